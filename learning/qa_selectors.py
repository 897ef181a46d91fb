"""Reads of lesson questions and answers; a page of them costs a fixed number of queries."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet, Subquery

from courses.models import Enrollment, Lesson

from .hooks import NOBODY, CourseStaff, course_staff
from .models import Answer, Question, QuestionFollow

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User


@dataclass(frozen=True)
class QaAccess:
    """What the page's user may do with a lesson's questions."""

    enrolled: bool
    staff: CourseStaff
    platform_moderator: bool

    @property
    def may_read(self) -> bool:
        return self.enrolled or self.staff.teaches or self.staff.moderates or self.platform_moderator

    @property
    def may_ask(self) -> bool:
        return self.enrolled

    @property
    def may_answer(self) -> bool:
        return self.enrolled or self.staff.teaches

    @property
    def may_moderate(self) -> bool:
        return self.staff.moderates or self.platform_moderator


def qa_access(*, user: "User | AnonymousUser", lesson: Lesson, enrolled: bool | None = None) -> QaAccess:
    """`enrolled`, when the page already knows it, saves its query; the staff lookup costs one."""
    if not user.is_authenticated:
        return QaAccess(enrolled=False, staff=NOBODY, platform_moderator=False)
    if enrolled is None:
        enrolled = Enrollment.objects.active().filter(learner=user, course_id=lesson.course_id).exists()
    return QaAccess(
        enrolled=enrolled,
        staff=course_staff(user=user, course_id=lesson.course_id),
        platform_moderator=user.is_active and user.has_perm("learning.change_question"),
    )


def lesson_questions(*, lesson: Lesson) -> QuerySet[Question]:
    """A lesson's visible questions, newest first, with their visible answers (oldest first) and
    authors: two queries for a page, whatever its length."""
    answers = Answer.objects.filter(hidden_at__isnull=True).select_related("author").order_by("created_at", "id")
    return (
        Question.objects.visible()
        .filter(lesson=lesson)
        .select_related("author")
        .prefetch_related(Prefetch("answers", queryset=answers, to_attr="visible_answers"))
        .order_by("-created_at", "-id")
    )


def question_page_number(*, lesson: Lesson, question_id: int, per_page: int) -> int:
    """Which page of `lesson_questions` shows this question (the first when it is not there): one query."""
    target = Question.objects.visible().filter(lesson=lesson, pk=question_id).values("created_at")[:1]
    newer = (
        Question.objects.visible()
        .filter(lesson=lesson)
        .filter(Q(created_at__gt=Subquery(target)) | Q(created_at=Subquery(target), pk__gt=question_id))
        .count()
    )
    return newer // per_page + 1


def followed_question_ids(*, user: "User | AnonymousUser", question_ids: "Iterable[int]") -> set[int]:
    ids = list(question_ids)
    if not user.is_authenticated or not ids:
        return set()
    return set(QuestionFollow.objects.filter(user=user, question_id__in=ids).values_list("question_id", flat=True))


def visible_question(*, question_id: int) -> Question | None:
    return Question.objects.visible().select_related("lesson__course").filter(pk=question_id).first()


def visible_answer(*, answer_id: int) -> Answer | None:
    return (
        Answer.objects.filter(hidden_at__isnull=True, question__hidden_at__isnull=True)
        .select_related("question__lesson__course")
        .filter(pk=answer_id)
        .first()
    )


def unanswered_questions(*, course_ids: "Iterable[int]") -> QuerySet[Question]:
    """The instructors' inbox: visible questions without a visible answer in these courses,
    oldest first (the longest waiting on top), with their lesson and course."""
    return (
        Question.objects.unanswered()
        .filter(lesson__course_id__in=course_ids)
        .select_related("lesson__course", "author")
        .order_by("created_at", "id")
    )
