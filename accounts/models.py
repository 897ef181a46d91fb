from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A learner or a staff member. A project-owned user model so that fields can be added later
    without the painful mid-project swap of AUTH_USER_MODEL."""

    # Unique because password reset and receipts go to this address.
    email = models.EmailField(_("email address"), unique=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
