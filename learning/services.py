"""Writes of learning: progress reports, lessons marked done, certificates, reviews."""

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.cache import catalogue_changed
from courses.models import Enrollment, Lesson
from platform_site.exceptions import ApplicationError, NotPermitted

from .models import Certificate, LessonProgress, Review, ReviewHelpful, ReviewReport
from .throttle import check_posting_rate

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
    progress = course_progress(learner=learner, course=course)
    if not progress.is_complete:
        if progress.lessons_complete and progress.assignments_missing:
            raise ApplicationError(
                _("Pass the assignment of lesson %(position)d first; the certificate waits for it.")
                % {"position": progress.assignments_missing[0].position},
                code="assignment_not_passed",
            )
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


# ------------------------------------------------------------------------------ reviews
REVIEW_TEXT_MAX = 2000
REPORT_NOTE_MAX = 500
HIDE_REASON_MAX = 200

# Who may hide and unhide a review: by default platform managers and the course's partner's
# owners and managers; callers may pass a stricter check.
ModerationCheck = Callable[["User", Review], bool]


def platform_moderator(user: "User", review: Review) -> bool:
    return user.is_active and user.has_perm("learning.change_review")


def review_moderator(user: "User", review: Review) -> bool:
    """Platform managers, and the owners and managers of the course's partner (the course-staff hook)."""
    from .hooks import course_staff

    if platform_moderator(user, review):
        return True
    return user.is_active and course_staff(user=user, course_id=review.course_id).moderates_reviews


def _figures_changed() -> None:
    """Course cards and pages are cached for visitors: a new figure retires them once committed."""
    transaction.on_commit(catalogue_changed, robust=True)


def _clean_text(value: object, *, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    if not isinstance(value, str):
        errors[field] = [_("Enter text.")]
        return ""
    text = value.replace("\r\n", "\n").strip()
    if "\x00" in text:
        errors[field] = [_("The text cannot contain NUL characters.")]
    elif len(text) > limit:
        errors[field] = [
            _("Keep it to %(limit)d characters (it has %(length)d).") % {"limit": limit, "length": len(text)}
        ]
    return text


def _clean_review(rating: object, text: object) -> tuple[int, str]:
    errors: dict[str, list[str]] = {}
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5 stars.")]
    cleaned = _clean_text(text, field="text", limit=REVIEW_TEXT_MAX, errors=errors)
    if errors:
        raise ApplicationError(_("Check the review."), code="invalid", extra={"fields": errors})
    assert isinstance(rating, int)
    return rating, cleaned


def review_save(*, learner: "User", course: "Course", rating: object, text: object = "") -> tuple[Review, bool]:
    """Write the learner's review of `course`, or edit the one they wrote; return it and whether it is new.

    Only learners enrolled in the course, with at least REVIEW_MIN_PROGRESS percent of it done,
    review it. A double submit (two first reviews at once) leaves one review, the last write's.
    An edit of a hidden review stays hidden.
    """
    from .selectors import review_refusal

    rating, text = _clean_review(rating, text)
    if (refusal := review_refusal(learner=learner, course=course)) is not None:
        raise refusal
    check_posting_rate(user=learner)
    values = {"rating": rating, "text": text}
    try:
        with transaction.atomic():
            review, created = Review.objects.update_or_create(learner=learner, course=course, defaults=values)
    except IntegrityError:  # the parallel first submit won the insert: this one edits it
        Review.objects.filter(learner=learner, course=course).update(**values, updated_at=timezone.now())
        review, created = Review.objects.get(learner=learner, course=course), False
    _figures_changed()
    return review, created


def review_update(*, learner: "User", review: Review, rating: object, text: object = "") -> Review:
    """Edit a review by id: only its author may."""
    if review.learner_id != learner.pk:
        raise NotPermitted(_("Only its author may edit a review."), code="not_author")
    edited, _created = review_save(learner=learner, course=review.course, rating=rating, text=text)
    return edited


def _check_not_own(*, learner: "User", review: Review, message: str) -> None:
    if review.learner_id == learner.pk:
        raise ApplicationError(message, code="own_review")


def review_mark_helpful(*, learner: "User", review: Review) -> bool:
    """Mark a review helpful; return whether this mark is new (marking twice counts once)."""
    if review.is_hidden:
        raise ApplicationError(_("This review is hidden."), code="hidden")
    _check_not_own(learner=learner, review=review, message=_("You cannot mark your own review helpful."))
    try:
        with transaction.atomic():
            _mark, created = ReviewHelpful.objects.get_or_create(learner=learner, review=review)
    except IntegrityError:  # a double click: the first one counted
        created = False
    if created:
        _figures_changed()  # the course page (cached for visitors) shows helpful counts
    return created


def review_report(*, learner: "User", review: Review, reason: object, note: object = "") -> tuple[ReviewReport, bool]:
    """Report a review to the moderators; a second report by the same learner returns the first."""
    _check_not_own(learner=learner, review=review, message=_("You cannot report your own review."))
    errors: dict[str, list[str]] = {}
    if reason not in ReviewReport.Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    cleaned = _clean_text(note, field="note", limit=REPORT_NOTE_MAX, errors=errors)
    if errors:
        raise ApplicationError(_("Check the report."), code="invalid", extra={"fields": errors})
    existing = ReviewReport.objects.filter(learner=learner, review=review).first()
    if existing is not None:  # reported once already: that report stands, no allowance spent
        return existing, False
    check_posting_rate(user=learner)
    try:
        with transaction.atomic():
            return ReviewReport.objects.get_or_create(
                learner=learner, review=review, defaults={"reason": str(reason), "note": cleaned}
            )
    except IntegrityError:  # a double submit: the first one stands
        return ReviewReport.objects.get(learner=learner, review=review), False


def _check_moderator(*, moderator: "User", review: Review, may_moderate: ModerationCheck) -> None:
    if not may_moderate(moderator, review):
        raise NotPermitted(_("Only moderators may hide or show reviews."), code="not_moderator")


def hide_reason(reason: object, *, message: str) -> str:
    """The moderator's reason for hiding, cleaned; `message` (translated) when it is missing or bad."""
    errors: dict[str, list[str]] = {}
    cleaned = _clean_text(reason, field="reason", limit=HIDE_REASON_MAX, errors=errors)
    if not cleaned and not errors:
        errors["reason"] = [message]
    if errors:
        raise ApplicationError(message, code="invalid", extra={"fields": errors})
    return cleaned


def review_hide(
    *, moderator: "User", review: Review, reason: str, may_moderate: ModerationCheck = review_moderator
) -> Review:
    """Hide a review from the course page and its figures, keeping why and by whom (hiding again keeps the first)."""
    _check_moderator(moderator=moderator, review=review, may_moderate=may_moderate)
    reason = hide_reason(reason, message=_("Say why the review is hidden."))
    with transaction.atomic():
        now = timezone.now()
        updated = Review.objects.filter(pk=review.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_reason=reason, hidden_by=moderator
        )
        # Hidden: its reports are dealt with and leave the queue.
        ReviewReport.objects.open().filter(review=review).update(resolved_at=now)
    if updated:
        _figures_changed()
    review.refresh_from_db()
    return review


def review_unhide(*, moderator: "User", review: Review, may_moderate: ModerationCheck = review_moderator) -> Review:
    """Show a hidden review again. The reason it was hidden stays on the row for the record."""
    _check_moderator(moderator=moderator, review=review, may_moderate=may_moderate)
    if Review.objects.filter(pk=review.pk, hidden_at__isnull=False).update(hidden_at=None, hidden_by=None):
        _figures_changed()
    review.refresh_from_db()
    return review


def reviews_figures_changed(*, learner: "User", course: "Course") -> None:
    """A learner's enrollment changed (refunded, bought again): their review leaves or joins the figures."""
    if Review.objects.filter(learner=learner, course=course).exists():
        _figures_changed()
