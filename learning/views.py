"""Learner pages of learning: the player's progress beacon, "mark done", certificates."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.request_user import request_user
from courses.models import Course, Lesson
from platform_site.exceptions import ApplicationError

from . import services
from .certificates import render_pdf
from .models import Certificate


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
