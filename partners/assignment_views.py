"""Assignments in the partner workspace: a lesson's assignment set by the course's owners and
managers, and reviewing learners' work (the queue, one submission with its images or clip and
history, the feedback form with its drawing over the work). Lessons and submissions are looked up
among the member's courses only: another partner's is a 404 whatever its id."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.request_user import request_user
from learning import annotation, assignment_selectors, assignments
from learning.assignment_forms import AssignmentForm, FeedbackForm, add_service_errors, criterion_formset
from learning.assignment_views import clip_response, image_response
from learning.models import Submission, SubmissionClip, SubmissionImage
from platform_site.exceptions import ApplicationError, NotPermitted
from platform_site.shortcuts import found

from . import lessons, selectors
from .models import Membership
from .roles import Action
from .views import PAGE_SIZE, _render, workspace


def _submission(membership: Membership, pk: int) -> Submission:
    submission = assignment_selectors.partner_submission(partner=membership.partner, pk=pk)
    # An instructor reviews only the courses they are assigned to.
    if (
        submission is None
        or not selectors.member_courses(membership=membership)
        .filter(pk=submission.assignment.lesson.course_id)
        .exists()
    ):
        raise Http404
    return submission


@require_GET
@workspace(Action.REVIEW_WORK)
def submission_queue(request: HttpRequest, membership: Membership) -> HttpResponse:
    queue = assignment_selectors.partner_review_queue(partner=membership.partner).filter(
        assignment__lesson__course__in=selectors.member_courses(membership=membership)
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, membership, "submissions", "partners/submissions.html", {"page": page})


@require_http_methods(["GET", "POST"])
@workspace(Action.REVIEW_WORK)
def submission_review(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    submission = _submission(membership, pk)
    form = FeedbackForm(request.POST or None, assignment=submission.assignment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assignments.submission_review(
                    reviewer=request_user(request),
                    submission=submission,
                    decision=form.cleaned_data["decision"],
                    grades=form.grades(),
                    comment=form.cleaned_data["comment"],
                    annotation=form.cleaned_data["annotation"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ApplicationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your feedback is saved; the learner sees it on the lesson page."))
                return redirect("partners:submissions")
        status = 400
    context = {
        "submission": submission,
        "history": assignment_selectors.submission_history(submission=submission),
        "form": form,
        "max_strokes": annotation.MAX_STROKES,
        "max_points": annotation.MAX_POINTS_PER_STROKE,
        "max_total": annotation.MAX_POINTS,
    }
    response = _render(request, membership, "submissions", "partners/submission_review.html", context)
    response.status_code = status
    return response


@require_GET
@workspace(Action.REVIEW_WORK)
def submission_image(request: HttpRequest, membership: Membership, pk: int, kind: str) -> HttpResponse:
    image = found(
        SubmissionImage.objects.filter(
            pk=pk, submission__assignment__lesson__course__in=selectors.member_courses(membership=membership)
        ).first()
    )
    return image_response(request, image, kind)  # type: ignore[return-value]  # a FileResponse


@require_GET
@workspace(Action.REVIEW_WORK)
def submission_clip(request: HttpRequest, membership: Membership, pk: int, kind: str) -> HttpResponse:
    clip = found(
        SubmissionClip.objects.filter(
            pk=pk, submission__assignment__lesson__course__in=selectors.member_courses(membership=membership)
        ).first()
    )
    return clip_response(request, clip, kind)  # type: ignore[return-value]  # a FileResponse


@require_http_methods(["GET", "POST"])
@workspace(Action.EDIT_COURSES)
def lesson_assignment(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Create or edit a lesson's assignment: brief, due date, requirement and rubric."""
    lesson = found(selectors.course_lesson(membership=membership, pk=pk))
    assignment = assignment_selectors.lesson_assignment(lesson=lesson)
    rubric = assignment.rubric if assignment else []
    locked = assignment is not None and assignments.rubric_is_locked(assignment=assignment)
    initial = None
    if assignment is not None:
        initial = {
            "brief_zh": assignment.brief_zh, "brief_en": assignment.brief_en,
            "due_at": assignment.due_at and timezone.localtime(assignment.due_at),
            "required_for_completion": assignment.required_for_completion, "work": assignment.work,
        }  # fmt: skip
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, initial=initial)
    # A rubric work was graded against is shown, not posted: the stored one is kept as it is.
    criteria = None if locked else criterion_formset(data=data, rubric=rubric)
    status = 200
    rubric_errors: list[str] = []
    if request.method == "POST":
        if form.is_valid() and (criteria is None or criteria.is_valid()):
            try:
                lessons.lesson_assignment_save(
                    actor=membership, lesson=lesson, **form.cleaned_data,
                    rubric=rubric if criteria is None else criteria.rubric(),
                )  # fmt: skip
            except NotPermitted:
                raise
            except ApplicationError as error:
                fields = dict(error.extra.get("fields") or {})
                rubric_errors = [str(problem) for problem in fields.pop("rubric", [])]
                if fields or not rubric_errors:
                    add_service_errors(form, ApplicationError(error.message, code=error.code, extra={"fields": fields}))
            else:
                messages.success(request, _("The assignment was saved."))
                return redirect("partners:lessons", pk=lesson.course_id)
        status = 400
    context = {
        "lesson": lesson, "course": lesson.course, "assignment": assignment, "form": form,
        "criteria": criteria, "rubric_locked": locked, "rubric_errors": rubric_errors,
        "max_criteria": assignments.RUBRIC_MAX_CRITERIA,
    }  # fmt: skip
    response = _render(request, membership, "courses", "partners/lesson_assignment.html", context)
    response.status_code = status
    return response
