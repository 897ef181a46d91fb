"""Survey admin: surveys with their questions, read-only responses, the results page and CSV."""

from collections.abc import Iterator

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courses.admin import guarded, yes_no_icon
from platform_site.csv_export import csv_response, local_time

from . import selectors
from .models import Answer, Choice, Question, Response, Survey


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def survey_results(request: HttpRequest, survey_id: int, model_admin: admin.ModelAdmin) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id)
    campaign_id = _int(request.GET.get("campaign"))
    channel_id = _int(request.GET.get("channel"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": survey.title,
        "survey": survey,
        **selectors.survey_sources(survey=survey),
        "selected": {"campaign": campaign_id, "channel": channel_id},
        **selectors.survey_results(survey=survey, campaign_id=campaign_id, channel_id=channel_id),
    }
    return TemplateResponse(request, "admin/surveys/survey_results.html", context)


def yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def survey_responses_csv(request: HttpRequest, survey_id: int) -> StreamingHttpResponse:
    survey = get_object_or_404(Survey, pk=survey_id)
    questions = list(survey.questions.all())
    rows = selectors.survey_responses_export(survey=survey)

    def value(answer: Answer | None) -> str:
        if answer is None:
            return ""
        chosen = [choice.label_zh for choice in answer.choices.all()]
        return "; ".join(chosen) if chosen else (answer.text or ("" if answer.number is None else str(answer.number)))

    def lines() -> Iterator[list[object]]:
        for response in rows.iterator(chunk_size=500):
            by_question = {answer.question_id: answer for answer in response.answers.all()}
            yield [
                response.pk, local_time(response.submitted_at), response.respondent or "",
                response.campaign.name_zh if response.campaign else "",
                response.channel.name if response.channel else "",
                yes_no(response.wants_knowledge), yes_no(response.wants_art),
                *[value(by_question.get(q.pk)) for q in questions],
            ]  # fmt: skip

    header = [_("response"), _("submitted at"), _("respondent"), _("campaign"), _("channel"),
              _("wants knowledge content"), _("wants art training"),
              *[f"{q.position}. {q.text_zh}" for q in questions]]  # fmt: skip
    return csv_response(filename=f"{survey.slug}-responses.csv", header=header, rows=lines())


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True  # choices are edited on the question's own page
    fields = [("position", "kind", "required", "dimension"), ("text_zh", "text_en"), ("min_value", "max_value")]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "purpose", "campaign", "opens_at", "closes_at", "public_link", "results_link"]
    list_filter = ["purpose", "campaign"]
    search_fields = ["title_zh", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [QuestionInline]

    def get_urls(self):
        return [
            path("<int:pk>/results/", guarded(self, self._results), name="surveys_survey_results"),
            path("<int:pk>/responses.csv", guarded(self, survey_responses_csv),
                 name="surveys_survey_responses_csv"),
            *super().get_urls(),
        ]  # fmt: skip

    def _results(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        return survey_results(request, survey_id, self)

    @admin.display(description=_("results"))
    def results_link(self, survey: Survey) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:surveys_survey_results", args=[survey.pk]), _("Results")
        )

    @admin.display(description=_("public link"))
    def public_link(self, survey: Survey) -> str:
        return format_html('<a href="{0}">{0}</a>', survey.get_absolute_url())


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "survey", "kind", "dimension", "is_required"]
    list_filter = ["survey", "kind", "dimension"]
    inlines = [ChoiceInline]

    @admin.display(description=_("required"), ordering="required")
    def is_required(self, question: Question) -> str:
        return yes_no_icon(question.required)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "respondent", "campaign", "channel", "knowledge_wanted", "art_wanted", "submitted_at"]
    list_filter = ["survey", "campaign", "channel", "wants_knowledge", "wants_art"]
    list_select_related = ["survey", "respondent", "campaign", "channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("wants knowledge content"), ordering="wants_knowledge")
    def knowledge_wanted(self, response: Response) -> str:
        return yes_no_icon(response.wants_knowledge)

    @admin.display(description=_("wants art training"), ordering="wants_art")
    def art_wanted(self, response: Response) -> str:
        return yes_no_icon(response.wants_art)
