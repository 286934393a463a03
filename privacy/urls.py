from django.urls import path

app_name = "privacy"

urlpatterns: list = [
    # The registrant's own requests (privacy.views) are added here.
]
