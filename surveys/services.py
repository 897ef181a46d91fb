"""Writes of surveys: checking a survey is open, storing a response with its answers."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site import throttling
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted, TooManyRequests

from . import hooks
from .models import Answer, Dimension, Question, Response, Survey

if TYPE_CHECKING:
    from accounts.models import User


def answer_shows_want(question: Question, value: Any) -> bool:
    """The documented rule for "wants" on a question with a demand dimension.

    Likert 4 or 5 ("agree", "strongly agree"); NPS 9 or 10 (a promoter); a chosen choice marked
    "shows the want"; a number above 0 ("how many such courses would you take"). Free text never
    counts: nobody should have to guess intent from prose.
    """
    if value in (None, "", []):
        return False
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        return int(value) >= 4
    if kind == Question.Kind.NPS:
        return int(value) >= 9
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        chosen = {int(v) for v in (value if isinstance(value, list) else [value])}
        return any(choice.shows_want for choice in question.choices.all() if choice.pk in chosen)
    if kind == Question.Kind.NUMBER:
        return Decimal(value) > 0
    return False


def check_survey_open(*, survey: Survey, respondent: "User | None", now: datetime | None = None) -> None:
    now = now or timezone.now()
    if not survey.opens_at <= now < survey.closes_at:
        raise ApplicationError(_("This survey is closed; answers are no longer accepted."), code="survey_closed")
    if respondent is None and not survey.allow_anonymous:
        raise NotPermitted(_("Log in to answer this survey."), code="login_required")


def respondent_scope(*, respondent: "User | None", respondent_token: str) -> str:
    """Return whose idempotency keys a submission shares: the learner's, else the anonymous token's."""
    if respondent is not None:
        return f"user:{respondent.pk}"
    if not respondent_token:
        raise ValueError("an anonymous submission needs its respondent token")
    return f"anon:{respondent_token}"


def check_anonymous_allowance(*, client: str) -> None:
    """Count one anonymous submission of `client`; refuse past SURVEY_ANONYMOUS_PER_HOUR an hour.

    The one limit of pages and API, keyed on the address our trusted proxies saw
    (`platform_site.throttling.client_ip`) and counted with one atomic increment, so parallel
    submissions cannot overshoot it.
    """
    limit = settings.SURVEY_ANONYMOUS_PER_HOUR
    allowed, wait = throttling.hit(f"survey-anon:{client}", limit=limit, window=3600)
    if not allowed:
        raise TooManyRequests(
            _("Too many answers from this network. Try again in an hour."),
            code="too_many_answers",
            extra={"retry_after": wait},
        )


def survey_submit(
    *,
    survey: Survey,
    respondent: "User | None",
    answers: Mapping[Question, Any],
    idempotency_key: str,
    respondent_token: str = "",
    client: str = "",
    link_code: str = "",
) -> tuple[Response, bool]:
    """Store one response (answers validated by SurveyForm); return it and whether it is new.

    The same respondent's same idempotency key returns the response it stored (and counts nothing
    against the anonymous limit); anyone else's key is just a new key. An anonymous respondent is
    `respondent_token` (the signed respondent cookie) and is limited per `client` address. A learner
    who already answered gets a clear refusal. Attribution: the tracked link in `link_code`, else
    the survey's campaign.
    """
    scope = respondent_scope(respondent=respondent, respondent_token=respondent_token)
    mine = Response.objects.filter(survey=survey, respondent_scope=scope, idempotency_key=idempotency_key)
    if existing := mine.first():
        return existing, False
    check_survey_open(survey=survey, respondent=respondent)
    if respondent is not None and Response.objects.filter(survey=survey, respondent=respondent).exists():
        raise Conflict(_("You have already answered this survey."), code="already_answered")
    if respondent is None:
        check_anonymous_allowance(client=client)
    link = hooks.resolve_link(link_code) if link_code else None
    campaign_id, channel_id = link if link else (survey.campaign_id, None)
    wants = {dimension: False for dimension in Dimension.values}
    for question, value in answers.items():
        if question.dimension and answer_shows_want(question, value):
            wants[question.dimension] = True
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, respondent=respondent, campaign_id=campaign_id, channel_id=channel_id,
                respondent_scope=scope, idempotency_key=idempotency_key, wants_knowledge=wants[Dimension.KNOWLEDGE],
                wants_art=wants[Dimension.ART],
            )  # fmt: skip
            rows = []
            chosen: list[list[int]] = []  # each row's choices, for the through table once rows have ids
            for question, value in answers.items():
                if value in (None, "", []):
                    continue
                is_choice = question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
                is_number = question.kind in (Question.Kind.LIKERT, Question.Kind.NPS, Question.Kind.NUMBER)
                rows.append(
                    Answer(
                        response=response, question=question,
                        number=Decimal(value) if is_number else None,
                        text=str(value) if question.kind == Question.Kind.TEXT else "",
                    )
                )  # fmt: skip
                chosen.append([int(v) for v in (value if isinstance(value, list) else [value])] if is_choice else [])
            Answer.objects.bulk_create(rows)
            through = Answer.choices.through
            through.objects.bulk_create(
                through(answer_id=row.pk, choice_id=choice)
                for row, ids in zip(rows, chosen, strict=True)
                for choice in ids
            )
    except IntegrityError:  # a parallel submit with the same key (or by the same learner) won
        winner = mine.first()
        if winner is None:
            raise Conflict(_("You have already answered this survey."), code="already_answered") from None
        return winner, False
    return response, True
