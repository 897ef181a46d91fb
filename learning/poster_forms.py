"""The share poster's options; the service checks them again for every caller."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Poster
from .posters import NAME_MAX


class PosterForm(forms.Form):
    size = forms.ChoiceField(
        label=_("Size"),
        choices=Poster.Size.choices,
        widget=forms.RadioSelect,
        initial=Poster.Size.PHONE,
        error_messages={"required": _("Choose a poster size.")},
    )
    # Opt-in: a poster shows no name unless the learner ticks this.
    show_name = forms.BooleanField(label=_("Show my name on the poster"), required=False)
    display_name = forms.CharField(label=_("Name to show"), required=False, max_length=NAME_MAX, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("show_name") and not data.get("display_name"):
            self.add_error("display_name", _("Write the name to show, or untick the box."))
        return data

    def name(self) -> str:
        return self.cleaned_data["display_name"] if self.cleaned_data.get("show_name") else ""
