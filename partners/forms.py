from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from platform_site.exceptions import ApplicationError

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


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “CRM sync”."))


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
