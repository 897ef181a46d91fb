"""The review forms of the course page: field errors for people; the services check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Review, ReviewReport


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(value, label) for value, label in Review.Rating.choices],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5 stars."),
            "invalid_choice": _("Choose a rating from 1 to 5 stars."),
        },
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        max_length=services.REVIEW_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReviewReport.Reason.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=services.REPORT_NOTE_MAX)
