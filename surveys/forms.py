from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from .models import Question, Survey


LIKERT = [(n, str(n)) for n in range(1, 6)]
NPS = [(n, str(n)) for n in range(0, 11)]


def question_field(question: "Question") -> forms.Field:
    common = {"label": question.text, "required": question.required}
    kind = question.kind
    if kind in ("single", "multiple"):
        options = [(str(choice.pk), choice.label) for choice in question.choices.all()]
        if kind == "single":
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if kind in ("likert", "nps"):
        scale = LIKERT if kind == "likert" else NPS
        return forms.TypedChoiceField(choices=scale, coerce=int, widget=forms.RadioSelect, **common)
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

    def answers(self) -> dict["Question", Any]:
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
