from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("surveys/<slug:slug>/", views.survey_answer, name="survey"),
]
