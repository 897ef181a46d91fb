from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Question, Survey


LIKERT = [(n, str(n)) for n in range(1, 6)]
NPS = [(n, str(n)) for n in range(0, 11)]
# What the two ends of a scale mean, shown beside its first and last points.
SCALE_ENDS = {
    "likert": (_("Strongly disagree"), _("Strongly agree")),
    "nps": (_("Not at all likely"), _("Extremely likely")),
}


def question_field(question: "Question") -> forms.Field:
    common = {"label": question.text, "required": question.required}
    kind = question.kind
    if kind in ("single", "multiple"):
        options = [(str(choice.pk), choice.label) for choice in question.choices.all()]
        if kind == "single":
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        exclusive = [str(choice.pk) for choice in question.choices.all() if choice.exclusive]
        # static/js/survey.js unticks the other boxes when an exclusive one is ticked (and back).
        widget = forms.CheckboxSelectMultiple(attrs={"data-exclusive": " ".join(exclusive)} if exclusive else {})
        multiple = forms.MultipleChoiceField(choices=options, widget=widget, **common)
        multiple.exclusive = exclusive  # type: ignore[attr-defined]
        return multiple
    if kind in ("likert", "nps"):
        scale = LIKERT if kind == "likert" else NPS
        field = forms.TypedChoiceField(choices=scale, coerce=int, widget=forms.RadioSelect, **common)
        field.scale_ends = SCALE_ENDS[kind]  # type: ignore[attr-defined]
        return field
    if kind == "number":
        return forms.DecimalField(
            min_value=question.min_value, max_value=question.max_value, max_digits=12, decimal_places=2, **common
        )
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)


class SurveyForm(forms.Form):
    """One field per question, named q<question id>; the server enforces every rule of the survey."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    c = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, survey: "Survey", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.prefetch_related("choices"))
        for question in self.questions:
            self.fields[f"q{question.pk}"] = question_field(question)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            exclusive = set(getattr(field, "exclusive", ()))
            chosen = (cleaned.get(name) or []) if exclusive else []
            if len(chosen) > 1 and exclusive & set(chosen):
                labels = dict(field.choices)  # type: ignore[attr-defined]
                self.add_error(
                    name,
                    _("“%(choice)s” cannot be chosen together with another answer.")
                    % {"choice": labels[sorted(exclusive & set(chosen))[0]]},
                )
        return cleaned

    def answers(self) -> dict["Question", Any]:
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
