from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation-list"),
    path("<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
]
