"""Reads of learning. Each costs a fixed number of queries, whatever the number of lessons or learners."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from courses.models import Course, Enrollment, Lesson
from platform_site.exceptions import NotPermitted

from .models import Assignment, Certificate, LessonProgress, Review, ReviewHelpful, Submission

if TYPE_CHECKING:
    from accounts.models import User


class State:
    NEW = "new"
    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True)
class CourseProgress:
    """A learner's steps through a course: its required lessons done and its required assignments
    passed. The one computation of completion: the progress bars, My learning, the managers'
    figures and the certificate all read `is_complete` and `percent` from here."""

    required_total: int  # required lessons
    required_done: int
    states: dict[int, str] = field(default_factory=dict)  # lesson id -> State
    next_lesson: Lesson | None = None
    assignments_total: int = 0  # assignments required for completion
    assignments_passed: int = 0
    # The lessons whose required assignment is not passed yet, in course order.
    assignments_missing: tuple[Lesson, ...] = ()

    @property
    def steps_total(self) -> int:
        return self.required_total + self.assignments_total

    @property
    def steps_done(self) -> int:
        return self.required_done + self.assignments_passed

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0

    @property
    def lessons_complete(self) -> bool:
        return self.required_done == self.required_total

    @property
    def is_complete(self) -> bool:
        return self.steps_total > 0 and self.steps_done == self.steps_total

    @property
    def is_started(self) -> bool:
        return any(state != State.NEW for state in self.states.values())


@dataclass(frozen=True)
class RequiredAssignment:
    course_id: int
    lesson_id: int
    passed_by: frozenset[int]  # learner ids with a passed submission


def required_assignments(*, course_ids: list[int], learner_ids: list[int]) -> dict[int, list[RequiredAssignment]]:
    """The courses' assignments required for completion, each with which of the learners passed it:
    one query, whatever the number of courses, assignments and learners."""
    passed = Q(submissions__status=Submission.Status.PASSED, submissions__learner_id__in=learner_ids)
    rows = (
        Assignment.objects.filter(lesson__course_id__in=course_ids, required_for_completion=True)
        .annotate(passed_by=ArrayAgg("submissions__learner_id", filter=passed, distinct=True, default=Value([])))
        .values_list("lesson__course_id", "lesson_id", "passed_by")
    )
    by_course: dict[int, list[RequiredAssignment]] = defaultdict(list)
    for course_id, lesson_id, passed_by in rows:
        by_course[course_id].append(RequiredAssignment(course_id, lesson_id, frozenset(passed_by)))
    return by_course


def _progress(
    lessons: list[Lesson],
    rows: dict[int, LessonProgress],
    assignments: Sequence[RequiredAssignment] = (),
    learner_id: int | None = None,
) -> CourseProgress:
    states = {
        lesson.pk: State.DONE
        if rows.get(lesson.pk) and rows[lesson.pk].is_completed
        else State.STARTED
        if lesson.pk in rows
        else State.NEW
        for lesson in lessons
    }
    required = [lesson for lesson in lessons if lesson.is_required]
    missing_ids = {a.lesson_id for a in assignments if learner_id not in a.passed_by}
    missing = tuple(lesson for lesson in lessons if lesson.pk in missing_ids)
    return CourseProgress(
        required_total=len(required),
        required_done=sum(states[lesson.pk] == State.DONE for lesson in required),
        states=states,
        # Every lesson done, the next step is the first assignment still to pass.
        next_lesson=next((lesson for lesson in lessons if states[lesson.pk] != State.DONE), None)
        or (missing[0] if missing else None),
        assignments_total=len(assignments),
        assignments_passed=len(assignments) - len(missing),
        assignments_missing=missing,
    )


def lesson_progress(*, learner: "User | AnonymousUser", lesson: Lesson) -> LessonProgress | None:
    if not learner.is_authenticated:
        return None
    return LessonProgress.objects.filter(learner=learner, lesson=lesson).first()


def course_progress(*, learner: "User | AnonymousUser", course: Course) -> CourseProgress:
    """The learner's progress through `course` (its lessons prefetched or not: one query more)."""
    lessons = sorted(course.lessons.all(), key=lambda lesson: lesson.position)
    if not learner.is_authenticated:  # no steps done, nothing to count them against
        return _progress(lessons, {})
    rows = {p.lesson_id: p for p in LessonProgress.objects.filter(learner=learner, lesson__course=course)}
    assignments = required_assignments(course_ids=[course.pk], learner_ids=[learner.pk])[course.pk]
    return _progress(lessons, rows, assignments, learner.pk)


def courses_progress(*, learner: "User", course_ids: list[int]) -> dict[int, CourseProgress]:
    """Progress in several courses at once (My learning): three queries."""
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    # The course comes along: the next lesson's link names its course's slug (else a query per course).
    for lesson in (
        Lesson.objects.filter(course_id__in=course_ids).select_related("course").order_by("course_id", "position")
    ):
        lessons[lesson.course_id].append(lesson)
    rows: dict[int, dict[int, LessonProgress]] = defaultdict(dict)
    for row in LessonProgress.objects.filter(learner=learner, lesson__course_id__in=course_ids).select_related(
        "lesson"
    ):
        rows[row.lesson.course_id][row.lesson_id] = row
    assignments = required_assignments(course_ids=course_ids, learner_ids=[learner.pk])
    return {
        course_id: _progress(lessons[course_id], rows[course_id], assignments[course_id], learner.pk)
        for course_id in course_ids
    }


@dataclass(frozen=True)
class LessonStats:
    lesson: Lesson
    started: int
    completed: int
    stopped_here: int  # learners whose furthest lesson is this one, the course not complete


@dataclass(frozen=True)
class CourseStats:
    course: Course
    enrolled: int
    started: int
    completed: int
    average_percent: float
    lessons: list[LessonStats]


def course_stats(*, course: Course) -> CourseStats:
    """What managers see per course, over its active enrollments: four queries."""
    lessons = list(course.lessons.order_by("position"))
    learners = list(Enrollment.objects.active().filter(course=course).values_list("learner_id", flat=True))
    by_learner: dict[int, dict[int, LessonProgress]] = defaultdict(dict)
    for row in LessonProgress.objects.filter(lesson__course=course, learner_id__in=learners).only(
        "learner_id", "lesson_id", "completed_at"
    ):
        by_learner[row.learner_id][row.lesson_id] = row
    assignments = required_assignments(course_ids=[course.pk], learner_ids=learners)[course.pk]
    progress = {learner: _progress(lessons, by_learner[learner], assignments, learner) for learner in learners}
    position = {lesson.pk: index for index, lesson in enumerate(lessons)}
    stopped: dict[int, int] = defaultdict(int)
    for learner, rows in by_learner.items():
        if rows and not progress[learner].is_complete:
            stopped[max(rows, key=lambda lesson_id: position[lesson_id])] += 1
    return CourseStats(
        course=course,
        enrolled=len(learners),
        started=sum(p.is_started for p in progress.values()),
        completed=sum(p.is_complete for p in progress.values()),
        average_percent=round(sum(p.percent for p in progress.values()) / len(learners), 1) if learners else 0.0,
        lessons=[
            LessonStats(
                lesson=lesson,
                started=sum(lesson.pk in rows for rows in by_learner.values()),
                completed=sum(rows[lesson.pk].is_completed for rows in by_learner.values() if lesson.pk in rows),
                stopped_here=stopped[lesson.pk],
            )
            for lesson in lessons
        ],
    )


def certificate_of(*, learner: "User", course: Course) -> Certificate | None:
    return Certificate.objects.filter(learner=learner, course=course).first()


# ------------------------------------------------------------------------------ reviews
class ReviewSort:
    NEWEST = "newest"
    HELPFUL = "helpful"
    CHOICES = (NEWEST, HELPFUL)


def courses_with_review_figures(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """Annotate each course with `review_average` (None without reviews) and `review_count`, over
    the reviews that count (not hidden, their learner still enrolled): part of the courses' own
    query, so a page of cards costs no query more (registered as a course annotation)."""
    counted = Review.objects.counted().filter(course_id=OuterRef("pk")).order_by().values("course_id")
    return queryset.annotate(
        review_average=Subquery(counted.annotate(average=Avg("rating")).values("average")),
        review_count=Coalesce(
            Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
        ),
    )


def review_refusal(
    *, learner: "User | AnonymousUser", course: Course, enrolled: bool | None = None
) -> NotPermitted | None:
    """Why the learner may not review `course` yet (an error to raise or show), or None if they may.

    `enrolled`, when the caller already knows it (the course page), saves the query that checks it.
    """
    if enrolled is None:
        enrolled = (
            learner.is_authenticated and Enrollment.objects.active().filter(learner=learner, course=course).exists()
        )
    if not enrolled:
        return NotPermitted(_("Only learners enrolled in the course can review it."), code="not_enrolled")
    if course_progress(learner=learner, course=course).percent < settings.REVIEW_MIN_PROGRESS:
        return NotPermitted(
            _("You can review the course once you have done %(percent)d%% of it.")
            % {"percent": settings.REVIEW_MIN_PROGRESS},
            code="not_enough_progress",
        )
    return None


def course_reviews(*, course: Course, sort: str = ReviewSort.NEWEST) -> QuerySet[Review]:
    """The reviews a course page lists: those that count, each with its `helpful_count` and the
    partner's answer (`reply`, in the same query)."""
    reviews = (
        Review.objects.counted()
        .filter(course=course)
        .select_related("learner", "reply__partner")
        .annotate(helpful_count=Count("helpful_marks"))
    )
    if sort == ReviewSort.HELPFUL:
        return reviews.order_by("-helpful_count", "-created_at", "-id")
    return reviews.order_by("-created_at", "-id")


def review_of(*, learner: "User | AnonymousUser", course: Course) -> Review | None:
    """The learner's own review of `course`, hidden or not."""
    if not learner.is_authenticated:
        return None
    return Review.objects.filter(learner=learner, course=course).first()


def helpful_marked(*, learner: "User | AnonymousUser", review_ids: list[int]) -> set[int]:
    """Which of these reviews the learner already marked helpful: one query."""
    if not learner.is_authenticated or not review_ids:
        return set()
    return set(
        ReviewHelpful.objects.filter(learner=learner, review_id__in=review_ids).values_list("review_id", flat=True)
    )


def visible_review(*, review_id: int, course: Course | None = None) -> Review | None:
    """A review anyone may see (not hidden), with its course."""
    reviews = Review.objects.visible().select_related("course")
    if course is not None:
        reviews = reviews.filter(course=course)
    return reviews.filter(pk=review_id).first()


def completed_shares(*, learner_id: int, course_ids: list[int]) -> dict[int, float]:
    """Per course, the share of its lessons the learner completed (0 to 1): one query."""
    rows = (
        Lesson.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(
            total=Count("pk"),
            done=Count("progress", filter=Q(progress__learner_id=learner_id, progress__completed_at__isnull=False)),
        )
    )
    return {row["course_id"]: row["done"] / row["total"] for row in rows if row["total"]}
