"""Reviewing learners' assignment work in the partner workspace: the queue, one submission with
its images or clip and history, and the feedback form. Submissions are looked up among the current
partner's courses only: another partner's is a 404 whatever its id."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.request_user import request_user
from learning import assignment_selectors, assignments
from learning.assignment_forms import FeedbackForm, add_service_errors
from learning.assignment_views import clip_response, image_response
from learning.models import Submission, SubmissionClip, SubmissionImage
from platform_site.exceptions import ApplicationError

from . import selectors
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
    }
    response = _render(request, membership, "submissions", "partners/submission_review.html", context)
    response.status_code = status
    return response


@require_GET
@workspace(Action.REVIEW_WORK)
def submission_image(request: HttpRequest, membership: Membership, pk: int, kind: str) -> HttpResponse:
    image = SubmissionImage.objects.filter(
        pk=pk, submission__assignment__lesson__course__in=selectors.member_courses(membership=membership)
    ).first()
    if image is None:
        raise Http404
    return image_response(request, image, kind)  # type: ignore[return-value]  # a FileResponse


@require_GET
@workspace(Action.REVIEW_WORK)
def submission_clip(request: HttpRequest, membership: Membership, pk: int, kind: str) -> HttpResponse:
    clip = SubmissionClip.objects.filter(
        pk=pk, submission__assignment__lesson__course__in=selectors.member_courses(membership=membership)
    ).first()
    if clip is None:
        raise Http404
    return clip_response(request, clip, kind)  # type: ignore[return-value]  # a FileResponse
