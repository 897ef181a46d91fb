from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import CappedPasswordResetForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=CappedPasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
