"""Reads of art assignments. A learner reads only their own submissions; the workspace reads only
its partner's courses' submissions, the API those of the courses its caller reviews; the gallery
only works their authors published."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from courses.models import Lesson, Partner

from .hooks import course_staff
from .models import Assignment, Poster, Submission, SubmissionImage

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Course

_IMAGES = Prefetch("images", queryset=SubmissionImage.objects.order_by("position", "id"))


def lesson_assignment(*, lesson: Lesson) -> Assignment | None:
    assignment = Assignment.objects.filter(lesson=lesson).first()
    if assignment is not None:
        assignment.lesson = lesson  # the caller's row (and its course): no second query for it
    return assignment


def learner_submissions(*, learner: "User | AnonymousUser", assignment: Assignment) -> list[Submission]:
    """The learner's attempts at the assignment, newest first, with their images (two queries)."""
    if not learner.is_authenticated:
        return []
    return list(assignment_submissions(assignment=assignment, learner=learner).order_by("-attempt"))


def learner_submission(*, learner: "User", pk: int) -> Submission | None:
    """The learner's own submission `pk`; None for another learner's (a 404, never a 403)."""
    return Submission.objects.filter(pk=pk, learner=learner).select_related("assignment__lesson__course").first()


def may_read_all_submissions(*, user: "User", course_id: int) -> bool:
    """Whether the user reads every learner's work in the course: its reviewers (assigned
    instructors, its partner's managers, through the course-staff hook) and platform managers."""
    return user.has_perm("learning.view_submission") or course_staff(user=user, course_id=course_id).reviews_work


def assignment_submissions(*, assignment: Assignment, learner: "User | None" = None) -> QuerySet[Submission]:
    """Attempts at the assignment, newest first, with their learners, reviewers and images (two
    queries a page): one learner's, or (for those who `may_read_all_submissions`) everyone's."""
    submissions = Submission.objects.filter(assignment=assignment)
    if learner is not None:
        submissions = submissions.filter(learner=learner)
    return (
        submissions.select_related("learner", "reviewed_by", "assignment__lesson", "clip")
        .prefetch_related(_IMAGES)
        .order_by("-created_at", "-id")
    )


def readable_submission(*, user: "User", pk: int) -> Submission | None:
    """Submission `pk` for its learner or one who may read all of its course's; else None (a 404)."""
    submission = (
        Submission.objects.filter(pk=pk)
        .select_related("learner", "reviewed_by", "assignment__lesson", "clip")
        .prefetch_related(_IMAGES)
        .first()
    )
    if submission is None:
        return None
    if submission.learner_id == user.pk or may_read_all_submissions(
        user=user, course_id=submission.assignment.lesson.course_id
    ):
        return submission
    return None


def partner_review_queue(*, partner: Partner) -> QuerySet[Submission]:
    """Submissions of the partner's courses awaiting review, oldest first (fixed query count)."""
    return (
        Submission.objects.awaiting_review()
        .filter(assignment__lesson__course__partners=partner)
        .select_related("learner", "assignment__lesson__course", "clip")
        .prefetch_related(_IMAGES)
        .order_by("created_at", "id")
        .distinct()
    )


def partner_submission(*, partner: Partner, pk: int) -> Submission | None:
    """Submission `pk` if it belongs to one of the partner's courses; else None (a 404)."""
    return (
        Submission.objects.filter(pk=pk, assignment__lesson__course__partners=partner)
        .select_related("learner", "assignment__lesson__course", "reviewed_by", "clip")
        .prefetch_related(_IMAGES)
        .distinct()
        .first()
    )


def submission_history(*, submission: Submission) -> list[Submission]:
    """The learner's earlier attempts at the same assignment, newest first."""
    return list(
        Submission.objects.filter(assignment_id=submission.assignment_id, learner_id=submission.learner_id)
        .exclude(pk=submission.pk)
        .select_related("reviewed_by", "assignment", "clip")
        .prefetch_related(_IMAGES)
        .order_by("-attempt")
    )


def course_gallery(*, course: "Course", limit: int = 24) -> list[Submission]:
    """Works the learners chose to show on the course page, newest first (two queries)."""
    return list(
        Submission.objects.published()
        .filter(assignment__lesson__course=course)
        .select_related("learner", "assignment__lesson")
        .prefetch_related(_IMAGES)
        .order_by("-published_at", "-id")[:limit]
    )


def learner_poster(*, learner: "User | AnonymousUser", pk: int) -> Poster | None:
    """The learner's poster `pk` while its work shows in the gallery of a published course; else None."""
    if not learner.is_authenticated:
        return None
    return (
        Poster.objects.filter(
            pk=pk,
            submission__learner=learner,
            submission__in=Submission.objects.published(),
            submission__assignment__lesson__course__status="published",
        )
        .select_related("submission")
        .first()
    )


def work_posters(*, submission: Submission) -> list[Poster]:
    """The posters made of a work, newest first."""
    return list(Poster.objects.filter(submission=submission).order_by("-created_at", "-id"))
