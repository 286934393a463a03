from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("thanks/", views.survey_thanks, name="thanks"),
    path("<str:token>/", views.survey_answer, name="answer"),
]
