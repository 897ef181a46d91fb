"""Writes of learning: progress reports, lessons marked done, certificates."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment, Lesson
from platform_site.exceptions import ApplicationError, NotPermitted

from .models import Certificate, LessonProgress

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Course

# A report may carry this many ranges; a player batches a few a minute.
MAX_RANGES = 200
# Gaps shorter than this between two watched ranges are seeking jitter, not skipped content.
JOIN_GAP_SECONDS = 1.0


def merge_ranges(ranges: Iterable[Sequence[float]], *, limit: float | None = None) -> list[list[float]]:
    """Return the union of [start, end] ranges, sorted, clipped to [0, limit], nearly-touching ones joined."""
    cleaned = []
    for pair in ranges:
        start, end = float(pair[0]), float(pair[1])
        if limit is not None:
            start, end = max(0.0, min(start, limit)), max(0.0, min(end, limit))
        if end > start:
            cleaned.append((max(start, 0.0), end))
    merged: list[list[float]] = []
    for start, end in sorted(cleaned):
        if merged and start <= merged[-1][1] + JOIN_GAP_SECONDS:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(start, 2), round(end, 2)] for start, end in merged]


def _check_enrolled(*, learner: "User", lesson: Lesson) -> None:
    if not Enrollment.objects.active().filter(learner=learner, course_id=lesson.course_id).exists():
        raise NotPermitted(_("Enroll in the course to record your progress."), code="not_enrolled")


def _locked_progress(*, learner: "User", lesson: Lesson) -> LessonProgress:
    try:
        with transaction.atomic():
            LessonProgress.objects.get_or_create(learner=learner, lesson=lesson)
    except IntegrityError:  # a parallel report created it first
        pass
    return LessonProgress.objects.select_for_update().get(learner=learner, lesson=lesson)


def _parse_ranges(watched: object) -> list[tuple[float, float]]:
    if not isinstance(watched, list | tuple) or len(watched) > MAX_RANGES:
        raise ApplicationError(_("Watched ranges must be a list of [start, end] pairs."), code="invalid_ranges")
    pairs = []
    for pair in watched:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ApplicationError(_("Watched ranges must be a list of [start, end] pairs."), code="invalid_ranges")
        try:
            pairs.append((float(pair[0]), float(pair[1])))
        except (TypeError, ValueError) as error:
            raise ApplicationError(
                _("Watched ranges must be a list of [start, end] pairs."), code="invalid_ranges"
            ) from error
    return pairs


@transaction.atomic
def progress_report(
    *, learner: "User", lesson: Lesson, position: float, watched: object = (), at: int = 0
) -> LessonProgress:
    """Record what the player reports: the position at client time `at` (ms) and ranges watched.

    Idempotent and monotonic: the same report twice, or reports arriving out of order, leave the
    row as if each had arrived once in order. A lesson is complete once the share of it watched
    reaches LEARNING_COMPLETE_RATIO.
    """
    _check_enrolled(learner=learner, lesson=lesson)
    media = getattr(lesson, "media", None)
    duration = media.duration_seconds if media else None
    progress = _locked_progress(learner=learner, lesson=lesson)
    progress.watched = merge_ranges([*progress.watched, *_parse_ranges(watched)], limit=duration)
    progress.watched_seconds = round(sum(end - start for start, end in progress.watched), 2)
    if at >= progress.position_at:
        progress.position_seconds = max(0.0, min(float(position), duration or float(position)))
        progress.position_at = at
    if (
        progress.completed_at is None
        and duration
        and progress.watched_seconds >= settings.LEARNING_COMPLETE_RATIO * duration
    ):
        progress.completed_at = timezone.now()
    progress.save()
    return progress


@transaction.atomic
def lesson_mark_done(*, learner: "User", lesson: Lesson) -> LessonProgress:
    """Mark a text lesson done (a learner's word for it). Marking twice changes nothing."""
    _check_enrolled(learner=learner, lesson=lesson)
    if lesson.kind != Lesson.Kind.TEXT:
        raise ApplicationError(_("Video and audio lessons are done once watched."), code="not_a_text_lesson")
    progress = _locked_progress(learner=learner, lesson=lesson)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at", "updated_at"])
    return progress


# ------------------------------------------------------------------------------ certificates
SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from paper


def _new_serial() -> str:
    import secrets

    body = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(12))
    return f"KA-{timezone.localdate():%Y}-{body[:4]}-{body[4:8]}-{body[8:]}"


def certificate_issue(*, learner: "User", course: "Course", name: str) -> "Certificate":
    """Issue the learner's certificate of `course` with the name as they enter it (once: asked
    again, the certificate already issued is returned as it was)."""
    from .selectors import course_progress

    existing = Certificate.objects.filter(learner=learner, course=course).first()
    if existing is not None and not existing.is_revoked:
        return existing
    if not Enrollment.objects.active().filter(learner=learner, course=course).exists():
        raise NotPermitted(_("Only learners enrolled in the course get its certificate."), code="not_enrolled")
    if not course_progress(learner=learner, course=course).is_complete:
        raise ApplicationError(
            _("Finish every required lesson first; the certificate comes with the last one."), code="not_complete"
        )
    name = " ".join(name.split())
    if not 1 <= len(name) <= (Certificate._meta.get_field("name").max_length or 0):
        raise ApplicationError(_("Enter your name as it should appear (at most 60 characters)."), code="bad_name")
    if existing is not None:  # revoked by a refund, then bought and completed again
        existing.revoked_at = None
        existing.save(update_fields=["revoked_at"])
        return existing
    try:
        with transaction.atomic():
            return Certificate.objects.create(learner=learner, course=course, name=name, serial=_new_serial())
    except IntegrityError:  # a double submit: the first one won
        return Certificate.objects.get(learner=learner, course=course)


def certificates_revoke(*, learner: "User", course: "Course") -> int:
    """Revoke the learner's certificate of a course (its enrollment was refunded); return how many."""
    return Certificate.objects.valid().filter(learner=learner, course=course).update(revoked_at=timezone.now())
