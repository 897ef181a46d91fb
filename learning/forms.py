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


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something first.")},
    )  # fmt: skip
    timestamp = forms.IntegerField(
        label=_("At (seconds into the video, optional)"), required=False, min_value=0, max_value=24 * 3600,
        error_messages={"invalid": _("Enter the moment as a whole number of seconds.")},
    )  # fmt: skip


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something first.")},
    )  # fmt: skip


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=200)
