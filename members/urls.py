from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation-list"),
    # Before the detail page: "suggest" would otherwise be read as an organisation's slug.
    path("suggest/", views.organisation_suggest, name="organisation-suggest"),
    path("<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
]
