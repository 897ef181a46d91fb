"""Learner pages of learning: the player's progress beacon, "mark done", certificates, reviews."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.request_user import request_user
from courses import selectors as course_selectors
from courses.models import Course, Lesson
from platform_site.exceptions import ApplicationError
from platform_site.shortcuts import found

from . import selectors, services
from .certificates import render_pdf
from .forms import ReviewForm, ReviewReportForm
from .models import Certificate, Review


@login_required
@require_POST
def progress_beacon(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The player's reports: a form post (navigator.sendBeacon cannot set a CSRF header) whose
    `report` field holds {"position", "watched", "at"}."""
    lesson = get_object_or_404(Lesson.objects.select_related("media"), pk=lesson_id)
    try:
        report = json.loads(request.POST.get("report", "{}"))
        if not isinstance(report, dict):
            raise ValueError(report)
        progress = services.progress_report(
            learner=request_user(request),
            lesson=lesson,
            position=float(report.get("position", 0)),
            watched=report.get("watched", []),
            at=int(report.get("at", 0)),
        )
    except (ValueError, TypeError):
        return JsonResponse({"message": "bad report", "code": "invalid"}, status=400)
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "code": error.code}, status=error.status_code)
    return JsonResponse(
        {"position": progress.position_seconds, "watched": progress.watched_seconds, "completed": progress.is_completed}
    )


@login_required
@require_POST
def lesson_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("course"), pk=lesson_id)
    try:
        services.lesson_mark_done(learner=request_user(request), lesson=lesson)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(lesson)


# ------------------------------------------------------------------------------ certificates
@login_required
@require_POST
def certificate_claim(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    try:
        services.certificate_issue(learner=request_user(request), course=course, name=request.POST.get("name", ""))
        messages.success(request, _("Congratulations! Your certificate is ready."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(course)


@login_required
@require_GET
def certificate_download(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related("course").prefetch_related("course__partners"), serial=serial
    )
    if certificate.learner_id != request.user.pk and not request.user.has_perm("learning.view_certificate"):
        raise Http404
    if certificate.is_revoked:
        messages.error(request, _("This certificate was revoked."))
        return redirect(certificate)
    try:
        pdf = render_pdf(certificate=certificate, verify_url=request.build_absolute_uri(certificate.get_absolute_url()))
    except ApplicationError as error:  # no CJK font on this server
        messages.error(request, error.message)
        return redirect(certificate.course)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response


@require_GET
def certificate_verify(request: HttpRequest, serial: str) -> HttpResponse:
    """The public page of the QR code: whether the certificate is genuine, and nothing else about its learner."""
    certificate = (
        Certificate.objects.select_related("course").prefetch_related("course__partners").filter(serial=serial).first()
    )
    status = 200 if certificate else 404
    return render(request, "learning/certificate_verify.html", {"certificate": certificate, "serial": serial},
                  status=status)  # fmt: skip


# ------------------------------------------------------------------------------ reviews
def _course(request: HttpRequest, slug: str) -> Course:
    return found(course_selectors.course_list(user=request.user).filter(slug=slug).first())


def _reviews_anchor(course: Course, review: Review | None = None) -> str:
    return f"{course.get_absolute_url()}#{f'review-{review.pk}' if review else 'reviews'}"


def _apply_errors(form: ReviewForm | ReviewReportForm, error: ApplicationError) -> None:
    fields = error.extra.get("fields") or {}
    for name, problems in fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, str(problem))
    if not fields:
        form.add_error(None, str(error.message))


@login_required
def review_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Write or edit my review of a course (the course page holds the same form)."""
    course = _course(request, slug)
    learner = request_user(request)
    own = selectors.review_of(learner=learner, course=course)
    refusal = selectors.review_refusal(learner=learner, course=course)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        status = 403 if refusal is not None else 400
        if form.is_valid():
            try:
                services.review_save(
                    learner=learner, course=course, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"]
                )
            except ApplicationError as error:
                _apply_errors(form, error)
                status = error.status_code  # 429 when posting too fast
            else:
                messages.success(request, _("Thank you: your review is saved."))
                return redirect(_reviews_anchor(course))
    else:
        form = ReviewForm(initial={"rating": own.rating, "text": own.text} if own else None)
        status = 200
    context = {"course": course, "form": form, "own": own, "refusal": refusal}
    return render(request, "learning/review_form.html", context, status=status)


@login_required
@require_POST
def review_helpful(request: HttpRequest, review_id: int) -> HttpResponse:
    review = found(selectors.visible_review(review_id=review_id))
    try:
        services.review_mark_helpful(learner=request_user(request), review=review)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_reviews_anchor(review.course, review))


@login_required
def review_report(request: HttpRequest, review_id: int) -> HttpResponse:
    review = found(selectors.visible_review(review_id=review_id))
    status = 200
    form = ReviewReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.review_report(learner=request_user(request), review=review, **form.cleaned_data)
            except ApplicationError as error:
                _apply_errors(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Thank you: the moderators will look at this review."))
                return redirect(_reviews_anchor(review.course, review))
    return render(request, "learning/review_report.html", {"review": review, "form": form}, status=status)
