from django.urls import path

from . import retention_views, views

app_name = "privacy"

# Mounted at /<lang>/privacy/.
urlpatterns = [
    path("", views.public_request, name="request"),
    # The registrant's own requests, reached from their registration page (its signed link).
    path("registration/<str:token>/", views.registration_privacy, name="registration"),
    path(
        "registration/<str:token>/export/",
        views.registration_privacy_export,
        name="registration-export",
    ),
    path(
        "registration/<str:token>/erasure/",
        views.registration_privacy_erasure,
        name="registration-erasure",
    ),
    # Staff: what the next retention run will anonymise.
    path("retention/", retention_views.retention_preview_view, name="retention"),
]
