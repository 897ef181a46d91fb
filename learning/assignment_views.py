"""Learner pages of art assignments: submit work, read the feedback, show a passed work in the
gallery; and the images and clips themselves, each request checked against who may see them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.request_user import request_user
from courses.media.serving import file_response
from courses.models import Enrollment, Lesson
from courses.selectors import user_is_manager
from platform_site.exceptions import ApplicationError, NotPermitted
from platform_site.shortcuts import found

from . import assignment_selectors as selectors
from . import assignments
from .assignment_forms import SubmissionForm, add_service_errors
from .models import Submission, SubmissionClip, SubmissionImage


def image_response(request: HttpRequest, image: SubmissionImage, kind: str) -> HttpResponseBase:
    """Send an image or its thumbnail from protected storage (the caller checked who may see it)."""
    if kind not in ("full", "thumb"):
        raise Http404
    field = image.file if kind == "full" else image.thumbnail
    content_type = image.content_type if kind == "full" else "image/jpeg"
    return file_response(storage=field.storage, name=str(field.name), content_type=content_type,
                         range_header=request.headers.get("Range", ""))  # fmt: skip


def clip_response(request: HttpRequest, clip: SubmissionClip, kind: str) -> HttpResponseBase:
    """Send a converted clip or its poster from protected storage, Range aware (the caller checked
    who may see it); a clip still converting, or failed, is a 404."""
    if kind not in ("file", "poster") or not clip.is_ready:
        raise Http404
    field = clip.file if kind == "file" else clip.poster
    if not field:
        raise Http404
    content_type = clip.content_type if kind == "file" else "image/jpeg"
    return file_response(storage=field.storage, name=str(field.name), content_type=content_type,
                         range_header=request.headers.get("Range", ""))  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def assignment_page(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The lesson's assignment: the brief, my attempts with their feedback, and the upload form."""
    lesson = get_object_or_404(Lesson.objects.select_related("course", "assignment"), pk=lesson_id)
    assignment = found(getattr(lesson, "assignment", None))
    learner = request_user(request)
    enrolled = Enrollment.objects.active().filter(learner=learner, course_id=lesson.course_id).exists()
    form = SubmissionForm(request.POST or None, request.FILES or None, work=assignment.work)
    status = 200
    if request.method == "POST":
        if not enrolled:
            raise PermissionDenied
        if form.is_valid():
            try:
                assignments.submission_create(
                    learner=learner, assignment=assignment, images=form.cleaned_data.get("images", ()),
                    clip=form.cleaned_data.get("clip"), note=form.cleaned_data["note"],
                )  # fmt: skip
            except ApplicationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your work is submitted; the instructor will review it."))
                return redirect("learning:assignment", lesson_id=lesson.pk)
        status = 400
    attempts = selectors.learner_submissions(learner=learner, assignment=assignment)
    may_submit = enrolled and assignments.accepts_new_attempt(attempts[0] if attempts else None)
    context = {
        "lesson": lesson,
        "course": lesson.course,
        "assignment": assignment,
        "attempts": attempts,
        "enrolled": enrolled,
        "may_submit": may_submit,
        "form": form,
        "max_images": settings.ASSIGNMENT_MAX_IMAGES,
        "max_mb": settings.ASSIGNMENT_MAX_IMAGE_BYTES // 2**20,
        "clip_max_mb": settings.ASSIGNMENT_MAX_CLIP_BYTES // 2**20,
        "clip_max_minutes": f"{settings.ASSIGNMENT_MAX_CLIP_SECONDS / 60:g}",
    }
    return render(request, "learning/assignment.html", context, status=status)


def _own_submission(request: HttpRequest, pk: int) -> Submission:
    submission = found(selectors.learner_submission(learner=request_user(request), pk=pk))
    return submission


@require_POST
@login_required
def submission_publish(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _own_submission(request, pk)
    publish = request.POST.get("publish") == "1"
    try:
        if publish:
            assignments.submission_publish(learner=request_user(request), submission=submission)
            messages.success(request, _("Your work now shows in the course's gallery."))
        else:
            assignments.submission_unpublish(learner=request_user(request), submission=submission)
            messages.success(request, _("Your work no longer shows in the gallery."))
    except NotPermitted as error:
        raise Http404 from error
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("learning:assignment", lesson_id=submission.assignment.lesson_id)


@require_GET
@login_required
def own_image(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """An image of my own submission; another learner's is a 404."""
    image = found(SubmissionImage.objects.filter(pk=pk, submission__learner=request_user(request)).first())
    return image_response(request, image, kind)


@require_GET
def gallery_image(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """An image of a work its author shows in the gallery of a published course; else a 404."""
    image = found(
        SubmissionImage.objects.filter(
            pk=pk,
            submission__in=Submission.objects.published(),
            submission__assignment__lesson__course__status="published",
        ).first()
    )
    return image_response(request, image, kind)


@require_GET
@login_required
def own_clip(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """The clip of my own submission (or any, for a platform manager); another learner's is a 404."""
    user = request_user(request)
    clips = (
        SubmissionClip.objects.all()
        if user_is_manager(user)
        else SubmissionClip.objects.filter(submission__learner=user)
    )
    clip = found(clips.filter(pk=pk).first())
    return clip_response(request, clip, kind)
