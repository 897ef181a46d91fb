"""The workspace's lesson writes: a partner's owners and managers create, edit, reorder and delete
its courses' lessons, upload their media (through the media job of `courses.media`) and set their
assignments (through `learning.assignments`).

Positions are the lesson URLs' numbers (`/courses/<slug>/lessons/<n>/`) and unique per course:
every write that moves them locks the course row first, so two managers reordering at once are
serialised, and renumbers in two steps (out of the way, then 1..n), since PostgreSQL checks a
non-deferrable unique index row by row.
"""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from courses.media.jobs import media_job_create
from courses.models import Course, Lesson, MediaJob
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted

from .models import Membership
from .roles import Action
from .services import check_may

if TYPE_CHECKING:
    from datetime import datetime

    from django.core.files.uploadedfile import UploadedFile

    from learning.models import Assignment

LESSON_FIELDS = (
    "kind", "title_zh", "title_en", "body_zh", "body_en", "is_free_preview", "is_required", "duration_minutes",
)  # fmt: skip
# Far above any real position: step one of a renumbering parks the lessons there.
PARK_OFFSET = 1_000_000


def _check_course(*, actor: Membership, course: Course) -> Course:
    """Refuse a role that may not edit courses, or a course of another partner; return it locked."""
    check_may(actor=actor, action=Action.EDIT_COURSES)
    locked = Course.objects.select_for_update().filter(pk=course.pk, partners=actor.partner_id).first()
    if locked is None:
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")
    return locked


def _renumber(*, course: Course, lesson_ids: list[int]) -> None:
    """Give the course's lessons the positions 1..n in the order of `lesson_ids` (all of them)."""
    Lesson.objects.filter(course=course).update(position=F("position") + PARK_OFFSET)
    lessons = [Lesson(pk=pk, position=index) for index, pk in enumerate(lesson_ids, start=1)]
    Lesson.objects.bulk_update(lessons, ["position"])


def _lesson_ids(course: Course) -> list[int]:
    return list(Lesson.objects.filter(course=course).order_by("position").values_list("pk", flat=True))


@transaction.atomic
def lesson_create(*, actor: Membership, course: Course, **fields: Any) -> Lesson:
    """Add a lesson at the end of one of the actor's partner's courses."""
    course = _check_course(actor=actor, course=course)
    last = Lesson.objects.filter(course=course).aggregate(last=Max("position"))["last"] or 0
    lesson = Lesson(course=course, position=last + 1, **{k: v for k, v in fields.items() if k in LESSON_FIELDS})
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(*, actor: Membership, lesson: Lesson, **fields: Any) -> Lesson:
    """Edit a lesson's text and settings; its position changes through `lessons_reorder` only."""
    _check_course(actor=actor, course=lesson.course)
    for key, value in fields.items():
        if key in LESSON_FIELDS:
            setattr(lesson, key, value)
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lessons_reorder(*, actor: Membership, course: Course, lesson_ids: list[int]) -> list[int]:
    """Put the course's lessons in the order of `lesson_ids`, which must name each of them once
    (a page read before another manager added or deleted one is refused: read it again)."""
    course = _check_course(actor=actor, course=course)
    current = _lesson_ids(course)
    if len(lesson_ids) != len(set(lesson_ids)) or sorted(lesson_ids) != sorted(current):
        raise Conflict(_("The lessons have changed since you read them: reload the page."), code="lessons_changed")
    if lesson_ids != current:
        _renumber(course=course, lesson_ids=lesson_ids)
    return lesson_ids


@transaction.atomic
def lesson_move(*, actor: Membership, lesson: Lesson, offset: int) -> list[int]:
    """Move a lesson `offset` places up (negative) or down; at either end it stays."""
    course = _check_course(actor=actor, course=lesson.course)
    order = _lesson_ids(course)
    if lesson.pk not in order:
        raise Conflict(_("The lessons have changed since you read them: reload the page."), code="lessons_changed")
    index = order.index(lesson.pk)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return lessons_reorder(actor=actor, course=course, lesson_ids=order)


@transaction.atomic
def lesson_delete(*, actor: Membership, lesson: Lesson) -> None:
    """Delete a lesson and close the gap in the positions.

    Refused for the last lesson of a published course (a published course has lessons) and for
    a lesson learners handed work in for (their artwork and its feedback would go with it).
    """
    from learning.models import Submission

    course = _check_course(actor=actor, course=lesson.course)
    order = _lesson_ids(course)
    if lesson.pk not in order:
        return  # deleted meanwhile: the same outcome
    if course.status == Course.Status.PUBLISHED and len(order) == 1:
        raise ApplicationError(
            _("A published course keeps at least one lesson: add another before deleting this one."),
            code="last_lesson",
        )
    if Submission.objects.filter(assignment__lesson=lesson).exists():
        raise ApplicationError(
            _("Learners handed in work for this lesson's assignment: it cannot be deleted."),
            code="lesson_has_work",
        )
    Lesson.objects.filter(pk=lesson.pk).delete()
    order.remove(lesson.pk)
    _renumber(course=course, lesson_ids=order)


def lesson_media_upload(
    *, actor: Membership, lesson: Lesson, upload: "UploadedFile[bytes]", idempotency_key: str = ""
) -> tuple[MediaJob, bool]:
    """Queue the upload as the lesson's media job (the lesson keeps its media until it succeeds)."""
    with transaction.atomic():
        _check_course(actor=actor, course=lesson.course)
    if lesson.kind == Lesson.Kind.TEXT:
        message = _("A text lesson has no video or audio: make it a video or audio lesson first.")
        raise ApplicationError(message, code="text_lesson_media", extra={"fields": {"file": [message]}})
    return media_job_create(lesson=lesson, upload=upload, created_by=actor.user, idempotency_key=idempotency_key)


@transaction.atomic
def lesson_assignment_save(
    *,
    actor: Membership,
    lesson: Lesson,
    brief_zh: str,
    brief_en: str = "",
    rubric: object,
    due_at: "datetime | None" = None,
    required_for_completion: bool = False,
    work: str = "images",
) -> "Assignment":
    """Create or edit the lesson's assignment, for an owner or manager of the lesson's course's partner.

    The course row stays locked to the end, as for every lesson write; the rubric's own rule (no
    change once work was graded against it) is `learning.assignments`'.
    """
    from learning.assignments import assignment_save

    _check_course(actor=actor, course=lesson.course)
    return assignment_save(
        lesson=lesson, brief_zh=brief_zh, brief_en=brief_en, rubric=rubric, due_at=due_at,
        required_for_completion=required_for_completion, work=work,
    )  # fmt: skip
