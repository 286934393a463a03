from django.urls import include, path

from . import proposal_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in_request, name="sign-in"),
    path("sign-in/link/", views.sign_in_confirm, name="sign-in-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("", views.organisation_page, name="organisation"),
    path("register/<slug:slug>/", views.group_register, name="group-register"),
    path("register/<slug:slug>/done/", views.group_done, name="group-done"),
    path(
        "registrations/<int:pk>/cancel/",
        views.colleague_cancel,
        name="colleague-cancel",
    ),
    path("profile/", include(proposal_views.urlpatterns)),
]
