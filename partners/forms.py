from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson
from platform_site.exceptions import ApplicationError

from .models import TokenScope
from .roles import Role


class CourseForm(forms.ModelForm):
    """The fields a partner edits; the slug, the status and the partners are the platform's."""

    class Meta:
        model = Course
        fields = [
            "title_zh", "title_en", "description_zh", "description_en", "track", "level", "language",
            "price", "currency",
        ]  # fmt: skip


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MANAGER)


class LessonForm(forms.ModelForm):
    """The lesson fields a partner edits; the course and the position are the page's."""

    class Meta:
        model = Lesson
        fields = [
            "title_zh", "title_en", "kind", "duration_minutes", "is_required", "is_free_preview", "body_zh", "body_en",
        ]  # fmt: skip


class LessonMediaForm(forms.Form):
    file = forms.FileField(
        label=_("Upload video or audio"),
        help_text=_(
            "Converted for the web in the background (720p and 360p video, or AAC audio); the lesson keeps "
            "its current media until the new file is ready."
        ),
    )


class InstructorsForm(forms.Form):
    instructors = forms.TypedMultipleChoiceField(
        label=_("Instructors"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["instructors"].choices = choices  # type: ignore[attr-defined]


TOKEN_LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “CRM sync”."))
    # Not required: a form (or a script) that names neither gets a read-only token for 90 days.
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        help_text=_(
            "Read only: it reads what your role may read. Read and write: it may also change what your role may change."
        ),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=TOKEN_LIFETIMES,
        coerce=int,
        initial=90,
        required=False,
        empty_value=90,  # type: ignore[arg-type]  # any value the coerced field should take when empty
    )

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or TokenScope.READ


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


def add_service_errors(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's field errors on the form's fields, or its message on the form."""
    fields = error.extra.get("fields") or {}
    known = {name: messages for name, messages in fields.items() if name in form.fields}
    for name, messages in known.items():
        for message in messages:
            form.add_error(name, message)
    if not known:
        form.add_error(None, str(error.message))
