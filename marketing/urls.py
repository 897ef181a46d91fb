from django.urls import path

from . import views

app_name = "marketing"

urlpatterns = [
    path("r/<slug:code>/", views.tracked_link, name="tracked-link"),
    path("campaigns/<slug:slug>/", views.campaign_landing, name="campaign"),
]
