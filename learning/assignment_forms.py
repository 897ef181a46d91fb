"""The learner's submission form and the instructor's feedback form; the services check the rules again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import assignments
from .models import Assignment, Submission

# What the file picker offers; the service reads each file's content whatever its name. HEIC by
# suffix too: desktop browsers know no MIME type for it.
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
CLIP_ACCEPT = "video/*,audio/*"


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one field; each one's content is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": IMAGE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleImageField, self).clean(item, initial) for item in files]


class SubmissionForm(forms.Form):
    """Images, or one clip: the field the assignment takes (the other is left out)."""

    images = MultipleImageField(
        label=_("Images of your work (JPEG, PNG, WebP or HEIC)"),
        error_messages={"required": _("Add at least one image of your work.")},
    )
    clip = forms.FileField(
        label=_("Your audio or video clip"),
        widget=forms.ClearableFileInput(attrs={"accept": CLIP_ACCEPT}),
        error_messages={"required": _("Add your audio or video clip.")},
    )
    note = forms.CharField(
        label=_("Note to the instructor (optional)"),
        required=False,
        max_length=assignments.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, work: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["images" if work == Assignment.Work.CLIP else "clip"]


class FeedbackForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=assignments.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Submission.Status.PASSED, _("Pass")), (Submission.Status.RESUBMIT, _("Ask for a resubmission"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose pass or resubmit.")},
    )

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = []
        for index, criterion in enumerate(assignment.rubric):
            name = f"grade_{index}"
            label = criterion["name_zh"] + (f" / {criterion['name_en']}" if criterion.get("name_en") else "")
            # Bounded here for a message at the field; the service holds the bound for every caller.
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=criterion["max_points"],
                help_text=_("0 to %(max)d points") % {"max": criterion["max_points"]},
            )
            self.criteria.append(name)

    def grades(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.criteria]


def add_service_errors(form: forms.Form, error: Any) -> None:
    fields = error.extra.get("fields") or {}
    for name, problems in fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, str(problem))
    if not fields:
        form.add_error(None, str(error.message))
