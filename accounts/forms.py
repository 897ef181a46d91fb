from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"), help_text=_("Receipts and password resets go here."))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def validate_password_for_user(self, user: User, **kwargs: str) -> None:
        # Under the password itself, not under its confirmation (Django's default).
        super().validate_password_for_user(user, password_field_name="password1")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email
