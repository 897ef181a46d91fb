"""Reads of the workspace's reviews and reports pages: the partner's rows only, each page a fixed
number of queries whatever its length."""

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import Course, Partner
from learning.models import Answer, QaReport, Question, Review, ReviewReport

M = TypeVar("M", Review, Question, Answer)

# How many reported items of each kind the queue shows at once: a moderator works from the top
# (the most reported first), and what they deal with leaves the list.
QUEUE_SIZE = 50


class ReviewFilter:
    ALL = "all"
    REPORTED = "reported"
    HIDDEN = "hidden"
    UNANSWERED = "unanswered"
    CHOICES = (ALL, REPORTED, UNANSWERED, HIDDEN)


def _courses(partner: Partner) -> QuerySet[Course]:
    return Course.objects.filter(partners=partner)


def _open_reports(model: type[ReviewReport] | type[QaReport]) -> Prefetch:
    return Prefetch("reports", queryset=model.objects.open().order_by("-created_at"), to_attr="open_report_rows")


def partner_reviews(*, partner: Partner, show: str = ReviewFilter.ALL) -> QuerySet[Review]:
    """The reviews of the partner's courses, hidden ones included (marked), newest first, with the
    course, the author, the partner's answer and how many reports are open: one query a page."""
    reviews = (
        Review.objects.filter(course__in=_courses(partner))
        .select_related("course", "learner", "reply__partner", "hidden_by")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .order_by("-created_at", "-id")
    )
    if show == ReviewFilter.REPORTED:
        return reviews.filter(open_reports__gt=0, hidden_at__isnull=True)
    if show == ReviewFilter.HIDDEN:
        return reviews.filter(hidden_at__isnull=False)
    if show == ReviewFilter.UNANSWERED:
        return reviews.filter(reply__isnull=True, hidden_at__isnull=True)
    return reviews


def partner_review(*, partner: Partner, pk: int) -> Review | None:
    return Review.objects.filter(course__in=_courses(partner), pk=pk).select_related("course").first()


def partner_question(*, partner: Partner, pk: int) -> Question | None:
    return Question.objects.filter(lesson__course__in=_courses(partner), pk=pk).select_related("lesson").first()


def partner_answer(*, partner: Partner, pk: int) -> Answer | None:
    return (
        Answer.objects.filter(question__lesson__course__in=_courses(partner), pk=pk)
        .select_related("question__lesson")
        .first()
    )


@dataclass(frozen=True)
class ReportQueue:
    reviews: list[Review]
    questions: list[Question]
    answers: list[Answer]

    @property
    def is_empty(self) -> bool:
        return not (self.reviews or self.questions or self.answers)


def _reported(queryset: "QuerySet[M]") -> "QuerySet[M]":
    return (
        queryset.filter(hidden_at__isnull=True)
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(open_reports__gt=0)
        .order_by("-open_reports", "created_at", "id")
    )


def partner_report_queue(*, partner: Partner, reviews: bool = True, posts: bool = True) -> ReportQueue:
    """What learners reported in the partner's courses and nobody dealt with yet, the most reported
    first, each with its open reports: two queries per kind shown (at most six)."""
    courses = _courses(partner)
    review_rows: list[Review] = []
    question_rows: list[Question] = []
    answer_rows: list[Answer] = []
    if reviews:
        review_rows = list(
            _reported(Review.objects.filter(course__in=courses))
            .select_related("course", "learner")
            .prefetch_related(_open_reports(ReviewReport))[:QUEUE_SIZE]
        )
    if posts:
        question_rows = list(
            _reported(Question.objects.filter(lesson__course__in=courses))
            .select_related("lesson__course", "author")
            .prefetch_related(_open_reports(QaReport))[:QUEUE_SIZE]
        )
        answer_rows = list(
            _reported(Answer.objects.filter(question__lesson__course__in=courses, question__hidden_at__isnull=True))
            .select_related("question__lesson__course", "author")
            .prefetch_related(_open_reports(QaReport))[:QUEUE_SIZE]
        )
    return ReportQueue(reviews=review_rows, questions=question_rows, answers=answer_rows)
