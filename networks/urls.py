from django.urls import path

from . import document_views, views

app_name = "networks"

urlpatterns = [
    path("", views.NetworkListView.as_view(), name="network-list"),
    path("mou-documents/<str:token>/", document_views.shared_document, name="mou-document-link"),
    path("<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
]
