import hashlib
import logging
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from platform_site.throttling import hit

from .models import User

logger = logging.getLogger(__name__)


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"), help_text=_("Receipts and password resets go here."))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def validate_password_for_user(self, user: User, **kwargs: str) -> None:
        # Under the password itself, not under its confirmation (Django's default).
        # django-stubs leave SetPasswordMixin, which defines it, out of BaseUserCreationForm's bases.
        super().validate_password_for_user(user, password_field_name="password1")  # type: ignore[misc]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class CappedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most PASSWORD_RESET_PER_ADDRESS_PER_HOUR e-mails to an address.

    Beyond the cap the form still says the link was sent, as it does for an unknown address, so
    the answer tells nothing about which addresses have accounts or how often they were tried.
    """

    def get_users(self, email: str) -> Iterable[User]:
        # The key is a hash: the cache holds no addresses.
        address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        allowed, _ = hit(f"password-reset:{address}", limit=settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR, window=3600)
        if not allowed:
            logger.info("Password reset e-mail not sent: the address's hourly cap is reached")
            return iter(())
        return super().get_users(email)
