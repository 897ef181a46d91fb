"""Reads of surveys: a survey's results, and the want counts marketing turns into scores."""

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Answer, Question, Response, Survey

if TYPE_CHECKING:
    from accounts.models import User


def survey_get(*, slug: str) -> Survey | None:
    return Survey.objects.filter(slug=slug).first()


def survey_answered(*, survey: Survey, respondent: "User | None") -> bool:
    """Whether this learner has answered already (anonymous visitors never have, as far as we know)."""
    if respondent is None:
        return False
    return Response.objects.filter(survey=survey, respondent=respondent).exists()


INVITATIONS_SHOWN = 3  # an invitation, not a list: more would push the learner's courses down


def survey_invitations(*, learner: Any, course_id: int | None = None) -> list[Survey]:
    """Open demand surveys of campaigns that this learner has not answered, soonest closing first:
    all of them ("my learning"), or those of the campaigns promoting `course_id` (after buying it).
    One query, whatever the number of surveys or campaigns."""
    if not getattr(learner, "is_authenticated", False):
        return []
    now = timezone.now()
    surveys = Survey.objects.filter(
        purpose=Survey.Purpose.DEMAND_RESEARCH, campaign__isnull=False, opens_at__lte=now, closes_at__gt=now
    ).exclude(Exists(Response.objects.filter(survey=OuterRef("pk"), respondent=learner)))
    if course_id is not None:
        # Through the campaign's own course lists (a lazy relation: surveys imports nothing of marketing).
        on_sides = Q(campaign__knowledge_courses=course_id) | Q(campaign__art_courses=course_id)
        surveys = surveys.filter(pk__in=Survey.objects.filter(on_sides).values("pk"))
    return list(surveys.order_by("closes_at", "pk")[:INVITATIONS_SHOWN])


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.prefetch_related("questions__choices").select_related("campaign")


def response_list() -> QuerySet[Response]:
    return Response.objects.select_related("survey")


def want_counts_by_campaign(*, campaign_ids: list[int]) -> dict[int, Mapping[str, Any]]:
    """Respondents per campaign and how many want knowledge content, art training, either: one query."""
    wants_k, wants_a = Q(wants_knowledge=True), Q(wants_art=True)
    rows = (
        Response.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(
            n=Count("pk"), k=Count("pk", filter=wants_k), a=Count("pk", filter=wants_a),
            either=Count("pk", filter=wants_k | wants_a),
        )
    )  # fmt: skip
    return {row["campaign_id"]: row for row in rows}


def survey_sources(*, survey: Survey) -> dict[str, QuerySet[Any]]:
    """The campaigns and channels the survey's responses came through (for the results filter).

    Read through the response's own foreign keys: surveys does not import marketing's models.
    """
    campaign = Response._meta.get_field("campaign").related_model
    channel = Response._meta.get_field("channel").related_model
    return {
        "campaigns": campaign._default_manager.filter(responses__survey=survey).distinct(),
        "channels": channel._default_manager.filter(responses__survey=survey).distinct(),
    }


def survey_responses_export(*, survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey)
        .select_related("campaign", "channel", "respondent")
        .prefetch_related("answers__choices")
        .order_by("submitted_at")
    )


def survey_results(*, survey: Survey, campaign_id: int | None = None, channel_id: int | None = None) -> dict[str, Any]:
    """Per-question summaries of a survey's responses (optionally of one campaign or channel):
    counts per choice, count and mean of scales and numbers, the NPS, the latest free texts."""
    responses = Response.objects.filter(survey=survey)
    if campaign_id:
        responses = responses.filter(campaign_id=campaign_id)
    if channel_id:
        responses = responses.filter(channel_id=channel_id)
    answers = Answer.objects.filter(response__in=responses)
    chosen = {
        row["choice_id"]: row["n"]
        for row in Answer.choices.through.objects.filter(answer__in=answers).values("choice_id").annotate(n=Count("pk"))
    }
    numbers = {
        row["question_id"]: row
        for row in answers.filter(number__isnull=False)
        .values("question_id")
        .annotate(
            n=Count("pk"), mean=Avg("number"),
            promoters=Count("pk", filter=Q(number__gte=9)), detractors=Count("pk", filter=Q(number__lte=6)),
        )
    }  # fmt: skip
    texts: defaultdict[int, list[str]] = defaultdict(list)
    for row in answers.exclude(text="").order_by("-response__submitted_at").values("question_id", "text")[:500]:
        if len(texts[row["question_id"]]) < 20:
            texts[row["question_id"]].append(row["text"])
    summaries = []
    for question in survey.questions.prefetch_related("choices"):
        summary: dict[str, Any] = {"question": question}
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            counts = [(choice, chosen.get(choice.pk, 0)) for choice in question.choices.all()]
            top = max([n for _, n in counts] + [1])
            summary["choices"] = [(choice, n, round(100 * n / top, 1)) for choice, n in counts]
        elif question.kind == Question.Kind.TEXT:
            summary["texts"] = texts.get(question.pk, [])
        else:
            stats: Mapping[str, Any] = numbers.get(question.pk, {})
            summary["count"], summary["mean"] = stats.get("n", 0), stats.get("mean")
            if question.kind == Question.Kind.NPS and stats.get("n"):
                summary["nps"] = round(100 * (stats["promoters"] - stats["detractors"]) / stats["n"], 1)
        summaries.append(summary)
    return {"responses": responses.count(), "summaries": summaries}


def learner_wants(*, learner_ids: list[int] | None = None) -> dict[int, tuple[bool, bool]]:
    """Per signed-in respondent (all, or `learner_ids`), whether any of their responses showed the
    want of knowledge content and of art training: one query."""
    rows = Response.objects.filter(respondent__isnull=False)
    if learner_ids is not None:
        rows = rows.filter(respondent_id__in=learner_ids)
    counted = rows.values("respondent_id").annotate(
        k=Count("pk", filter=Q(wants_knowledge=True)), a=Count("pk", filter=Q(wants_art=True))
    )
    return {row["respondent_id"]: (row["k"] > 0, row["a"] > 0) for row in counted}
