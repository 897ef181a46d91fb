"""Password rules whose messages Django's own zh-hans catalogue lacks."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    # Django 5.2 reworded this message, and its zh-hans catalogue still has only the old
    # wording: the error showed in English on Chinese pages. Ours is in our catalogue.
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
