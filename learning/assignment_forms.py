"""The learner's submission form and the instructor's feedback form; the services check the rules again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from platform_site.exceptions import ApplicationError

from . import assignments
from .annotation import parse_annotation
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

    # The strokes drawn over the work, as JSON (static/js/annotate.js); parsed here, checked by the service.
    annotation = forms.CharField(required=False, widget=forms.HiddenInput, initial="[]")

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

    def clean_annotation(self) -> object:
        try:
            return parse_annotation(self.cleaned_data["annotation"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def grades(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.criteria]


class AssignmentForm(forms.Form):
    """The assignment's brief, due date and requirement; its rubric is `CriterionFormSet`'s."""

    brief_zh = forms.CharField(label=_("Brief (Chinese)"), required=False, max_length=assignments.BRIEF_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    brief_en = forms.CharField(label=_("Brief (English)"), required=False, max_length=assignments.BRIEF_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    due_at = forms.DateTimeField(
        label=_("Due (optional)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time.")},
    )
    required_for_completion = forms.BooleanField(
        label=_("Passing it is required to complete the course and get its certificate"), required=False
    )
    work = forms.ChoiceField(
        label=_("Learners hand in"), choices=Assignment.Work.choices, initial=Assignment.Work.IMAGES,
        widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The Chinese brief is required; the service says so in the page's words (not "This field...").
        self.fields["brief_zh"].widget.attrs["required"] = True


class CriterionForm(forms.Form):
    """One rubric row; a row left blank is no criterion (the rubric has spare rows to fill in)."""

    name_zh = forms.CharField(label=_("Criterion (Chinese)"), required=False,
                              max_length=assignments.CRITERION_NAME_MAX)  # fmt: skip
    name_en = forms.CharField(label=_("Criterion (English)"), required=False,
                              max_length=assignments.CRITERION_NAME_MAX)  # fmt: skip
    max_points = forms.IntegerField(
        label=_("Max points"), required=False, min_value=1, max_value=assignments.CRITERION_MAX_POINTS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(data.get(name) not in (None, "") for name in ("name_zh", "name_en", "max_points"))
        if filled and not data.get("name_zh"):
            self.add_error("name_zh", _("Name the criterion in Chinese."))
        if filled and data.get("max_points") is None and "max_points" not in self.errors:
            self.add_error("max_points", _("Give its max points."))
        return data

    def criterion(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("name_zh"):
            return None
        return {"name_zh": data["name_zh"], "name_en": data.get("name_en", ""), "max_points": data["max_points"]}


class BaseCriterionFormSet(forms.BaseFormSet):
    def rubric(self) -> list[dict[str, Any]]:
        return [c for c in (form.criterion() for form in self.forms if form.cleaned_data) if c is not None]


def criterion_formset(*, data: Any = None, rubric: list[dict[str, Any]]) -> BaseCriterionFormSet:
    """The rubric's rows and two blank ones to add criteria with (at most the rubric's limit, however
    many rows a post claims)."""
    limit = assignments.RUBRIC_MAX_CRITERIA
    formset_class = forms.formset_factory(
        CriterionForm, formset=BaseCriterionFormSet, extra=max(0, min(2, limit - len(rubric))),
        max_num=limit, absolute_max=limit, validate_max=True,
    )  # fmt: skip
    formset = formset_class(data=data, initial=rubric, prefix="criteria")
    assert isinstance(formset, BaseCriterionFormSet)  # formset_factory's stub returns the base class
    return formset


def add_service_errors(form: forms.Form, error: Any) -> None:
    fields = error.extra.get("fields") or {}
    for name, problems in fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, str(problem))
    if not fields:
        form.add_error(None, str(error.message))
