"""The instructors' digest: new lesson questions in the courses a member teaches, one e-mail per
instructor and run, in their language, with the signed one-click unsubscribe of its kind.

Idempotent: a question goes into one digest per instructor only (a `DigestedQuestion` row,
written in the transaction that sends the mail, under a lock of the instructor's user row), so
an extra run, a retry or two workers at once send nothing twice; a mail that fails leaves its
questions for the next run.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from courses.models import Course
from learning.models import NotificationOptOut, Question
from learning.qa_notify import mail_languages, unsubscribe_token

from .models import DigestedQuestion, Membership
from .roles import Action, Role, role_may
from .selectors import member_courses

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
KIND = NotificationOptOut.Kind.INSTRUCTOR_DIGEST
# A digest lists this many questions; the rest wait in the inbox it links to (and the next digest).
DIGEST_MAX_QUESTIONS = 50


def _teaching_seats() -> dict[int, set[int]]:
    """Teaching membership ids per active instructor with an address who did not opt out: one query."""
    roles = [role for role in Role.values if role_may(role, Action.ANSWER_QUESTIONS)]
    seats = (
        Membership.objects.filter(role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__in=NotificationOptOut.objects.filter(kind=KIND).values("user_id"))
        .values_list("user_id", "pk")
    )
    memberships: dict[int, set[int]] = defaultdict(set)
    for user_id, membership_id in seats:
        memberships[user_id].add(membership_id)
    return memberships


def _new_questions(*, user: "User", membership_ids: set[int], since: object) -> list[Question]:
    """Visible, still unanswered questions of the courses the user teaches (all of a manager's
    partner, an instructor's assigned ones) since `since`, not asked by them and not in a digest
    of theirs yet, oldest first."""
    sent = DigestedQuestion.objects.filter(user=user).values("question_id")
    courses = Course.objects.none()
    for membership in Membership.objects.filter(pk__in=membership_ids, user=user):
        courses = courses | member_courses(membership=membership)
    return list(
        Question.objects.unanswered()
        .filter(lesson__course__in=courses.values("pk"), created_at__gte=since)
        .exclude(author=user)
        .exclude(pk__in=sent)
        .select_related("lesson__course")
        .distinct()
        .order_by("created_at", "id")[:DIGEST_MAX_QUESTIONS]
    )


def instructor_digest_send(*, user_id: int, membership_ids: set[int], language: str, base_url: str) -> int:
    """Send one instructor their digest if anything is new; return how many questions it listed."""
    from accounts.models import User

    since = timezone.now() - timedelta(days=settings.INSTRUCTOR_DIGEST_LOOKBACK_DAYS)
    with transaction.atomic():
        # The user's row is the lock: a parallel run waits here, then finds the questions sent.
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not user.email:
            return 0
        questions = _new_questions(user=user, membership_ids=membership_ids, since=since)
        if not questions:
            return 0
        DigestedQuestion.objects.bulk_create([DigestedQuestion(user=user, question=q) for q in questions])
        root = base_url.rstrip("/")
        unsubscribe = root + reverse("learning:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind=KIND)])
        with translation.override(language):
            subject = ngettext(
                "%(count)d new question in your courses", "%(count)d new questions in your courses", len(questions)
            ) % {"count": len(questions)}
            context = {
                "user": user,
                "questions": [(q, root + q.get_absolute_url()) for q in questions],
                "inbox": root + reverse("partners:questions"),
                "unsubscribe": unsubscribe,
            }
            body = render_to_string("partners/email/question_digest.txt", context)
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        # Inside the transaction: a mail that fails rolls the rows back, so the questions wait for the next run.
        EmailMessage(subject=subject, body=body, to=[user.email], headers=headers).send()
    return len(questions)


def instructor_digests_send(*, base_url: str | None = None) -> int:
    """Send every instructor their digest of new questions; return how many e-mails went out."""
    base_url = base_url or settings.SITE_URL
    seats = _teaching_seats()
    languages = mail_languages(user_ids=list(seats))
    sent = 0
    for user_id, membership_ids in seats.items():
        language = languages.get(user_id, settings.LANGUAGE_CODE)
        if instructor_digest_send(user_id=user_id, membership_ids=membership_ids, language=language, base_url=base_url):
            sent += 1
    logger.info("Instructor digests: %s sent to %s instructors", sent, len(seats))
    return sent
