from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("", views.NetworkListView.as_view(), name="network-list"),
    path("<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
]
