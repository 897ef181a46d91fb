"""Writes of art assignments: the assignment and its rubric, a learner's submission of images or
of a clip (`clips`), the instructor's feedback, and the learner's opt-in to the course's gallery.

Who may review is the caller's to establish (the partner workspace looks the submission up among
its partner's courses only); these functions check the rules of the work itself.
"""

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Enrollment, Lesson
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted
from platform_site.queueing import enqueue_on_commit

from . import clips
from .annotation import check_annotation
from .artwork import CheckedImage, ImageRefused, check_image
from .idempotency import replayed
from .models import Assignment, Submission, SubmissionClip, SubmissionImage
from .posters import posters_delete
from .services import _clean_text, _figures_changed

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

RUBRIC_MAX_CRITERIA = 10
CRITERION_MAX_POINTS = 100
CRITERION_NAME_MAX = 80
BRIEF_MAX = 10_000
NOTE_MAX = 2000
COMMENT_MAX = 4000


class Decision:
    PASS = Submission.Status.PASSED
    RESUBMIT = Submission.Status.RESUBMIT


def check_rubric(rubric: object) -> list[dict[str, Any]]:
    """Return the rubric cleaned: 1 to 10 criteria, each a Chinese name (English optional) and max points."""
    message = _(
        "The rubric is a list of 1 to %(count)d criteria, each with a Chinese name "
        "and whole max points from 1 to %(points)d."
    ) % {"count": RUBRIC_MAX_CRITERIA, "points": CRITERION_MAX_POINTS}
    if not isinstance(rubric, list) or not 1 <= len(rubric) <= RUBRIC_MAX_CRITERIA:
        raise ApplicationError(message, code="bad_rubric", extra={"fields": {"rubric": [message]}})
    cleaned = []
    for criterion in rubric:
        if not isinstance(criterion, dict):
            raise ApplicationError(message, code="bad_rubric", extra={"fields": {"rubric": [message]}})
        name_zh, name_en, points = criterion.get("name_zh"), criterion.get("name_en", ""), criterion.get("max_points")
        if (
            not isinstance(name_zh, str)
            or not name_zh.strip()
            or len(name_zh) > CRITERION_NAME_MAX
            or not isinstance(name_en, str)
            or len(name_en) > CRITERION_NAME_MAX
            or isinstance(points, bool)
            or not isinstance(points, int)
            or not 1 <= points <= CRITERION_MAX_POINTS
        ):
            raise ApplicationError(message, code="bad_rubric", extra={"fields": {"rubric": [message]}})
        cleaned.append({"name_zh": name_zh.strip(), "name_en": name_en.strip(), "max_points": points})
    return cleaned


def brief_missing_message() -> str:
    return _("Write the brief in Chinese.")


def rubric_is_locked(*, assignment: Assignment) -> bool:
    """Whether work was graded against the assignment's rubric (its points are stored per criterion)."""
    return Submission.objects.filter(assignment=assignment, reviewed_at__isnull=False).exists()


def check_rubric_change(*, assignment: Assignment | None, rubric: list[dict[str, Any]]) -> None:
    """Refuse a new rubric for an assignment whose work was already graded.

    Feedback stores the points per criterion in the rubric's order, with no copy of the rubric: a
    criterion renamed, removed or re-weighted would silently change what every graded work shows.
    """
    if assignment is None or rubric == assignment.rubric or not rubric_is_locked(assignment=assignment):
        return
    message = _(
        "Work was already graded against this rubric: its criteria and points can no longer change "
        "(the brief, the due date and the requirement still can)."
    )
    raise Conflict(message, code="rubric_locked", extra={"fields": {"rubric": [message]}})


@transaction.atomic
def assignment_save(
    *,
    lesson: Lesson,
    brief_zh: str,
    brief_en: str = "",
    rubric: object,
    due_at: datetime | None = None,
    required_for_completion: bool = False,
    work: str = Assignment.Work.IMAGES,
) -> Assignment:
    """Create or update the lesson's assignment."""
    errors: dict[str, list[str]] = {}
    if work not in Assignment.Work.values:
        errors["work"] = [_("Choose images or a clip.")]
    brief_zh = _clean_text(brief_zh, field="brief_zh", limit=BRIEF_MAX, errors=errors)
    brief_en = _clean_text(brief_en, field="brief_en", limit=BRIEF_MAX, errors=errors)
    if not brief_zh and "brief_zh" not in errors:
        errors["brief_zh"] = [brief_missing_message()]
    try:
        cleaned_rubric = check_rubric(rubric)
    except ApplicationError as error:
        errors.update(error.extra["fields"])
    if errors:
        raise ApplicationError(_("Check the assignment."), code="invalid", extra={"fields": errors})
    # Locked: a review holds this row too (it reads the rubric it grades against), so a grade and a
    # rubric change never cross.
    current = Assignment.objects.select_for_update().filter(lesson=lesson).first()
    check_rubric_change(assignment=current, rubric=cleaned_rubric)
    if current is not None and current.work != work and current.submissions.exists():
        message = _("Learners have handed in work already: what the assignment takes stays as it is.")
        raise ApplicationError(message, code="work_locked", extra={"fields": {"work": [message]}})
    assignment, _created = Assignment.objects.update_or_create(
        lesson=lesson,
        defaults={
            "brief_zh": brief_zh,
            "brief_en": brief_en,
            "rubric": cleaned_rubric,
            "due_at": due_at,
            "required_for_completion": required_for_completion,
            "work": work,
        },
    )
    return assignment


# ------------------------------------------------------------------------------ submissions
def _check_images(uploads: Sequence[IO[bytes]]) -> list[CheckedImage]:
    """Check every upload before any is stored; one field message per refused file."""
    limit = settings.ASSIGNMENT_MAX_IMAGES
    if not uploads:
        message = _("Add at least one image of your work.")
        raise ApplicationError(message, code="no_images", extra={"fields": {"images": [message]}})
    if len(uploads) > limit:
        message = _("Submit at most %(limit)d images.") % {"limit": limit}
        raise ApplicationError(message, code="too_many_images", extra={"fields": {"images": [message]}})
    checked: list[CheckedImage] = []
    problems: list[str] = []
    codes: list[str] = []
    for number, upload in enumerate(uploads, start=1):
        try:
            checked.append(check_image(upload, size=getattr(upload, "size", None)))
        except ImageRefused as error:
            shown = (getattr(upload, "name", "") or str(number)).rsplit("/", 1)[-1][:80]
            problems.append(_("%(name)s: %(problem)s") % {"name": shown, "problem": error.message})
            codes.append(error.code)
    if problems:
        # `codes`: one stable code per refused file, for API clients and tests.
        raise ImageRefused(problems[0], code="image_refused", extra={"fields": {"images": problems}, "codes": codes})
    return checked


def _delete_files(names: list[str]) -> None:
    storage = SubmissionImage._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # left for the operator; the row that named it is gone
            logger.warning("Could not delete %s", name, exc_info=True)


def accepts_new_attempt(latest: Submission | None) -> bool:
    """Whether the learner may hand in (again): a first attempt, after a "resubmit" decision, or in
    place of an attempt whose clip could not be converted (nothing there to review)."""
    if latest is None or latest.status == Submission.Status.RESUBMIT:
        return True
    clip = getattr(latest, "clip", None)
    return latest.status == Submission.Status.SUBMITTED and clip is not None and clip.has_failed


def _check_clip(clip: IO[bytes] | None) -> clips.CheckedClip:
    if clip is None:
        message = _("Add your audio or video clip.")
        raise ApplicationError(message, code="no_clip", extra={"fields": {"clip": [message]}})
    return clips.check_clip(clip, size=getattr(clip, "size", None))


def submission_create_once(
    *,
    learner: "User",
    assignment: Assignment,
    images: Sequence[IO[bytes]] = (),
    clip: IO[bytes] | None = None,
    note: object = "",
    idempotency_key: str = "",
) -> tuple[Submission, bool]:
    """Store a learner's attempt: the images, or the clip, the assignment takes; every file checked
    first; rows and files all or nothing (a clip's conversion is queued after commit).

    A learner submits again only after a "resubmit" decision, or in place of an attempt whose clip
    failed to convert; a new attempt gets the next number, a replacement the same. Return it and
    whether it is new: a retry with the same idempotency key returns the first attempt (where
    without a key it would be refused as waiting for review).
    """
    course_id = assignment.lesson.course_id
    if not Enrollment.objects.active().filter(learner=learner, course_id=course_id).exists():
        raise NotPermitted(_("Enroll in the course to submit your work."), code="not_enrolled")
    own = Submission.objects.filter(learner=learner)
    earlier = replayed(own, key=idempotency_key, assignment_id=assignment.pk)
    if earlier is not None:
        return earlier, False
    errors: dict[str, list[str]] = {}
    note_text = _clean_text(note, field="note", limit=NOTE_MAX, errors=errors)
    if errors:
        raise ApplicationError(_("Check the submission."), code="invalid", extra={"fields": errors})
    latest = own.filter(assignment=assignment).select_related("clip").order_by("-attempt").first()
    if not accepts_new_attempt(latest):
        assert latest is not None
        message = (
            _("Your work is waiting for the instructor's review.")
            if latest.status == Submission.Status.SUBMITTED
            else _("Your work has already passed.")
        )
        raise Conflict(message, code=f"already_{latest.status}")
    replaced = latest if latest is not None and latest.status == Submission.Status.SUBMITTED else None
    is_clip = assignment.work == Assignment.Work.CLIP
    checked_clip = _check_clip(clip) if is_clip else None
    checked = [] if is_clip else _check_images(images)
    stored: list[str] = []
    try:
        with transaction.atomic():
            if replaced is not None:
                # A concurrent replacement deleted it first: the unique "one open" constraint decides below.
                Submission.objects.filter(pk=replaced.pk).delete()
                transaction.on_commit(partial(clips.delete_files, clips.clip_names(replaced.clip)))
            attempt = (own.filter(assignment=assignment).aggregate(n=Max("attempt"))["n"] or 0) + 1
            submission = Submission.objects.create(
                assignment=assignment, learner=learner, attempt=attempt, note=note_text, idempotency_key=idempotency_key
            )
            if checked_clip is not None and clip is not None:
                _job, name = clips.clip_job_create(
                    submission=submission, upload=clip, checked=checked_clip, learner=learner
                )
                stored.append(name)
            for position, image in enumerate(checked):
                row = SubmissionImage(
                    submission=submission,
                    position=position,
                    content_type=image.content_type,
                    width=image.width,
                    height=image.height,
                    size=len(image.content),
                )
                row.file.save(f"work-{position + 1}.{image.extension}", ContentFile(image.content), save=False)
                stored.append(str(row.file.name))
                row.thumbnail.save(f"thumb-{position + 1}.jpg", ContentFile(image.thumbnail), save=False)
                stored.append(str(row.thumbnail.name))
                row.save()
    except IntegrityError as error:  # a double submit: the other one is waiting for review
        _delete_files(stored)
        # The same keyed retry in parallel gets the first one's attempt.
        if idempotency_key and (winner := own.filter(idempotency_key=idempotency_key).first()) is not None:
            return winner, False
        raise Conflict(_("Your work is waiting for the instructor's review."), code="already_submitted") from error
    except BaseException:
        _delete_files(stored)
        raise
    return submission, True


def submission_create(
    *,
    learner: "User",
    assignment: Assignment,
    images: Sequence[IO[bytes]] = (),
    clip: IO[bytes] | None = None,
    note: object = "",
) -> Submission:
    """Store a learner's attempt (the page's form: no idempotency key)."""
    return submission_create_once(learner=learner, assignment=assignment, images=images, clip=clip, note=note)[0]


# ------------------------------------------------------------------------------ feedback
def check_grades(*, assignment: Assignment, grades: object) -> list[int]:
    """Return the points per criterion, each a whole number from 0 to the criterion's max."""
    rubric = assignment.rubric
    if not isinstance(grades, list | tuple) or len(grades) != len(rubric):
        message = _("Give points for every criterion of the rubric.")
        raise ApplicationError(message, code="bad_grades", extra={"fields": {"grades": [message]}})
    field_errors: dict[str, list[str]] = {}
    cleaned = []
    for index, (criterion, points) in enumerate(zip(rubric, grades, strict=True)):
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= criterion["max_points"]:
            field_errors[f"grade_{index}"] = [_("Give 0 to %(max)d points.") % {"max": criterion["max_points"]}]
        cleaned.append(points if isinstance(points, int) else 0)
    if field_errors:
        raise ApplicationError(_("Check the points."), code="bad_grades", extra={"fields": field_errors})
    return cleaned


@transaction.atomic
def submission_review(
    *,
    reviewer: "User",
    submission: Submission,
    decision: str,
    grades: object,
    comment: object = "",
    annotation: object = None,
    base_url: str = "",
) -> Submission:
    """Record the instructor's feedback and decision (pass, or resubmit) on a waiting submission,
    with an optional drawing over its images (`learning.annotation`); with `base_url` (the site's
    address), the learner is mailed once it commits."""
    # FOR UPDATE without OF locks the joined assignment row too: its rubric cannot change meanwhile.
    submission = Submission.objects.select_for_update().select_related("assignment").get(pk=submission.pk)
    if submission.status != Submission.Status.SUBMITTED:
        raise Conflict(_("This submission has already been reviewed."), code="already_reviewed")
    clip = SubmissionClip.objects.filter(submission=submission).first()
    if clip is not None and clip.is_processing:
        raise Conflict(_("The clip is still being converted; review it once it plays."), code="clip_processing")
    errors: dict[str, list[str]] = {}
    comment_text = _clean_text(comment, field="comment", limit=COMMENT_MAX, errors=errors)
    if decision not in (Decision.PASS, Decision.RESUBMIT):
        errors["decision"] = [_("Choose pass or resubmit.")]
    try:
        cleaned = check_grades(assignment=submission.assignment, grades=grades)
    except ApplicationError as error:
        errors.update(error.extra["fields"])
    strokes: list[dict[str, Any]] = []
    try:
        positions = set(submission.images.values_list("position", flat=True))
        strokes = check_annotation([] if annotation is None else annotation, image_positions=positions)
    except ApplicationError as error:
        errors.update(error.extra["fields"])
    if errors:
        raise ApplicationError(_("Check the feedback."), code="invalid", extra={"fields": errors})
    submission.status = decision
    submission.grades = cleaned
    submission.annotation = strokes
    submission.score = sum(cleaned)
    submission.comment = comment_text
    submission.reviewed_by = reviewer
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "grades", "score", "comment", "annotation", "reviewed_by", "reviewed_at"])
    if base_url:
        from .assignment_tasks import feedback_mail_task

        enqueue_on_commit(feedback_mail_task, submission.pk, base_url)
    return submission


def feedback_mail_send(*, submission_id: int, base_url: str) -> bool:
    """Mail the learner that their work was reviewed, in Chinese then English; return whether sent."""
    submission = (
        Submission.objects.select_related("learner", "assignment__lesson__course")
        .filter(pk=submission_id, reviewed_at__isnull=False)
        .first()
    )
    if submission is None or not submission.learner.email:
        return False
    lesson = submission.assignment.lesson
    link = base_url.rstrip("/") + reverse("learning:assignment", args=[lesson.pk])
    parts, subjects = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(_("Your work has been reviewed"))
            parts.append(
                _("Your work for “%(lesson)s” in %(course)s: %(status)s, %(score)s of %(max)s points.\n\n%(comment)s")
                % {
                    "lesson": lesson.title,
                    "course": lesson.course.title,
                    "status": submission.get_status_display(),
                    "score": submission.score,
                    "max": submission.assignment.max_points,
                    "comment": submission.comment,
                }
            )
    send_mail(
        subject=" / ".join(subjects),
        message="\n\n".join([*parts, link]),
        from_email=None,
        recipient_list=[submission.learner.email],
    )
    return True


# ------------------------------------------------------------------------------ gallery
def _own(*, learner: "User", submission: Submission) -> Submission:
    row = Submission.objects.select_for_update().filter(pk=submission.pk, learner=learner).first()
    if row is None:
        raise NotPermitted(_("Only the author may show or hide this work."), code="not_author")
    return row


@transaction.atomic
def submission_publish(*, learner: "User", submission: Submission) -> Submission:
    """Show a passed work in the course's gallery (publishing twice changes nothing)."""
    row = _own(learner=learner, submission=submission)
    if row.status != Submission.Status.PASSED:
        raise ApplicationError(_("Only a passed work can be shown in the gallery."), code="not_passed")
    if SubmissionClip.objects.filter(submission=row).exists():
        # The gallery and its share posters are pictures; a clip stays between learner and instructor.
        raise ApplicationError(_("Only works of images can be shown in the gallery."), code="not_images")
    if row.published_at is None:
        row.published_at = timezone.now()
        row.save(update_fields=["published_at"])
        _figures_changed()  # the course page shows the gallery, cached for visitors
    return row


@transaction.atomic
def submission_unpublish(*, learner: "User", submission: Submission) -> Submission:
    """Take the work out of the gallery."""
    row = _own(learner=learner, submission=submission)
    if row.published_at is not None:
        row.published_at = None
        row.save(update_fields=["published_at"])
        _figures_changed()
    # A work out of the gallery has no poster: the stored ones go (publishing again draws anew).
    posters_delete(submission=row)
    return row
