"""The partner's voice on its courses in the workspace: the reviews page (answer publicly in the
partner's name, hide with a reason, show again) and the reports queue of reviews, questions and
answers. Every object is looked up among the current partner's courses only (another partner's
is a 404 whatever its id); the learning services check the moderator again."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.request_user import request_user
from learning import partner_reviews, qa_services, services
from learning.forms import HideForm
from learning.models import Answer, Question, Review
from platform_site.exceptions import ApplicationError
from platform_site.shortcuts import found

from . import moderation
from .forms import add_service_errors
from .models import Membership
from .roles import Action
from .views import _render, workspace

REVIEWS_PAGE_SIZE = 20


class ReviewAnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your answer, shown under the review in your partner's name"),
        max_length=partner_reviews.REPLY_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write something first.")},
    )


@require_GET
@workspace(Action.ANSWER_REVIEWS)
def review_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    show = request.GET.get("show", moderation.ReviewFilter.ALL)
    show = show if show in moderation.ReviewFilter.CHOICES else moderation.ReviewFilter.ALL
    reviews = moderation.partner_reviews(partner=membership.partner, show=show)
    page = Paginator(reviews, REVIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "show": show, "hide_form": HideForm()}
    return _render(request, membership, "reviews", "partners/reviews.html", context)


@require_http_methods(["GET", "POST"])
@workspace(Action.ANSWER_REVIEWS)
def review_answer(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Write the partner's public answer to a review, or edit it."""
    review = found(moderation.partner_review(partner=membership.partner, pk=pk))
    reply = getattr(review, "reply", None)
    form = ReviewAnswerForm(request.POST or None, initial={"text": reply.text} if reply else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                partner_reviews.review_reply_save(
                    author=request_user(request), partner=membership.partner, review=review,
                    text=form.cleaned_data["text"],
                )  # fmt: skip
            except ApplicationError as error:
                add_service_errors(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Your answer is shown under the review."))
                return redirect(f"{reverse('partners:reviews')}#review-{review.pk}")
    context = {"review": review, "reply": reply, "form": form}
    response = _render(request, membership, "reviews", "partners/review_answer.html", context)
    response.status_code = status
    return response


@require_GET
@workspace()
def report_queue(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Reported reviews (owners and managers) and reported questions and answers (who moderates them)."""
    reviews, posts = membership.may(Action.ANSWER_REVIEWS), membership.may(Action.MODERATE_QUESTIONS)
    if not (reviews or posts):
        raise PermissionDenied
    queue = moderation.partner_report_queue(partner=membership.partner, reviews=reviews, posts=posts)
    context = {"queue": queue, "hide_form": HideForm(), "queue_size": moderation.QUEUE_SIZE}
    return _render(request, membership, "reports", "partners/reports.html", context)


ACTIONS = ("hide", "unhide", "keep")


def _target(membership: Membership, kind: str, pk: int) -> Review | Question | Answer:
    needed = Action.ANSWER_REVIEWS if kind == "review" else Action.MODERATE_QUESTIONS
    if not membership.may(needed):
        raise PermissionDenied
    partner = membership.partner
    target = (
        moderation.partner_review(partner=partner, pk=pk)
        if kind == "review"
        else moderation.partner_question(partner=partner, pk=pk)
        if kind == "question"
        else moderation.partner_answer(partner=partner, pk=pk)
    )
    if target is None:
        raise Http404
    return target


def _moderate(request: HttpRequest, target: Review | Question | Answer, action: str, reason: str) -> str:
    """Run one moderation action through its service; return the message to show."""
    moderator = request_user(request)
    if isinstance(target, Review):
        if action == "hide":
            services.review_hide(moderator=moderator, review=target, reason=reason)
        elif action == "unhide":
            services.review_unhide(moderator=moderator, review=target)
        else:
            partner_reviews.review_reports_keep(moderator=moderator, review=target)
    elif action == "hide":
        qa_services.post_hide(moderator=moderator, post=target, reason=reason)
    elif action == "unhide":
        qa_services.post_unhide(moderator=moderator, post=target)
    else:
        qa_services.post_reports_keep(moderator=moderator, post=target)
    return {
        "hide": _("Hidden. The reason is kept for the record."),
        "unhide": _("Shown again."),
        "keep": _("Kept as it is: its reports are dealt with."),
    }[action]


@require_POST
@workspace()
def moderate(request: HttpRequest, membership: Membership, kind: str, pk: int) -> HttpResponse:
    action = request.POST.get("do", "")
    if kind not in ("review", "question", "answer") or action not in ACTIONS:
        raise Http404
    target = _target(membership, kind, pk)
    try:
        messages.success(request, _moderate(request, target, action, request.POST.get("reason", "")))
    except ApplicationError as error:
        if error.status_code == 403:
            raise PermissionDenied from error
        fields = error.extra.get("fields") or {}
        messages.error(request, " ".join(str(m) for problems in fields.values() for m in problems) or error.message)
    back = request.POST.get("back")
    if back == "reviews":
        show = request.POST.get("show", "")
        query = f"?show={show}" if show in moderation.ReviewFilter.CHOICES else ""
        return redirect(f"{reverse('partners:reviews')}{query}")
    return redirect("partners:reports")
