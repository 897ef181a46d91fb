"""A course's lessons in the partner workspace (list, create, edit, reorder, delete, media upload),
its publishing and who teaches it. Courses and lessons are looked up among the member's courses
only (`selectors.member_courses`): another partner's, or a course an instructor is not assigned
to, is a 404 whatever its id."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Course, Lesson
from learning.selectors import course_stats
from platform_site.exceptions import ApplicationError, NotPermitted
from platform_site.shortcuts import found

from . import lessons, publishing, selectors, services
from .forms import InstructorsForm, LessonForm, LessonMediaForm, add_service_errors
from .models import Membership
from .roles import Action
from .views import _render, workspace

MOVES = {"up": -1, "down": 1}


def _course(membership: Membership, pk: int) -> Course:
    return found(selectors.partner_course(membership=membership, pk=pk))


def _lesson(membership: Membership, pk: int) -> Lesson:
    return found(selectors.course_lesson(membership=membership, pk=pk))


@require_GET
@workspace(Action.VIEW_COURSES)
def lesson_list(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    course = _course(membership, pk)
    context = {
        "course": course,
        "lessons": selectors.course_lessons(course=course),
        "needs_approval": publishing.publish_needs_approval(),
        "publish_request": course.publish_requests.order_by("-requested_at", "-pk").first(),
    }
    return _render(request, membership, "courses", "partners/lessons.html", context)


@require_http_methods(["GET", "POST"])
@workspace(Action.EDIT_COURSES)
def lesson_create(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    course = _course(membership, pk)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = lessons.lesson_create(actor=membership, course=course, **form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lesson was added."))
            return redirect("partners:lesson-edit", pk=lesson.pk)
    context = {"form": form, "course": course, "lesson": None}
    return _render(request, membership, "courses", "partners/lesson_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace(Action.EDIT_COURSES)
def lesson_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    lesson = _lesson(membership, pk)
    # The form writes onto its own copy; the service gets the stored lesson.
    form = LessonForm(request.POST or None, instance=_lesson(membership, pk))
    if request.method == "POST" and form.is_valid():
        try:
            lessons.lesson_update(actor=membership, lesson=lesson, **form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lesson was saved."))
            return redirect("partners:lessons", pk=lesson.course_id)
    context = {
        "form": form, "course": lesson.course, "lesson": lesson, "media_form": LessonMediaForm(),
        "jobs": lesson.media_jobs.order_by("-created_at", "-pk")[:5],
    }  # fmt: skip
    return _render(request, membership, "courses", "partners/lesson_form.html", context)


@require_POST
@workspace(Action.EDIT_COURSES)
def lesson_media(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    lesson = _lesson(membership, pk)
    form = LessonMediaForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a video or audio file to upload."))
        return redirect("partners:lesson-edit", pk=lesson.pk)
    try:
        lessons.lesson_media_upload(
            actor=membership, lesson=lesson, upload=form.cleaned_data["file"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
        )  # fmt: skip
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The media file is being converted; reload this page to follow it."))
    return redirect("partners:lesson-edit", pk=lesson.pk)


@require_POST
@workspace(Action.EDIT_COURSES)
def lesson_move(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    lesson = _lesson(membership, pk)
    offset = MOVES.get(request.POST.get("direction", ""))
    if offset is None:
        return HttpResponse(status=400)
    try:
        lessons.lesson_move(actor=membership, lesson=lesson, offset=offset)
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("partners:lessons", pk=lesson.course_id)


@require_POST
@workspace(Action.EDIT_COURSES)
def lesson_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    lesson = _lesson(membership, pk)
    try:
        lessons.lesson_delete(actor=membership, lesson=lesson)
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The lesson was deleted."))
    return redirect("partners:lessons", pk=lesson.course_id)


@require_POST
@workspace(Action.EDIT_COURSES)
def course_publish(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    course = _course(membership, pk)
    try:
        publish_request = publishing.course_publish_request(actor=membership, course=course)
    except NotPermitted:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if publish_request is None:
            messages.success(request, _("The course is published."))
        else:
            messages.success(request, _("The platform will review the course before it is published."))
    return redirect("partners:lessons", pk=course.pk)


@require_GET
@workspace(Action.VIEW_COURSES)
def course_progress(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """How the course's active learners progress: enrolled, started, completed, the average, and
    per lesson who started, completed and stopped there (the platform's own figures, one computation)."""
    stats = course_stats(course=_course(membership, pk))
    return _render(request, membership, "courses", "partners/course_progress.html", {"stats": stats})


@require_http_methods(["GET", "POST"])
@workspace(Action.ASSIGN_INSTRUCTORS)
def course_instructors(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    course = _course(membership, pk)
    instructors = selectors.course_instructors(partner=membership.partner, course=course)
    choices = [(m.pk, m.user.get_full_name() or m.user.username) for m, _assigned in instructors]
    initial = {"instructors": [m.pk for m, assigned in instructors if assigned]}
    # Nothing ticked posts an empty form: bound all the same (it unassigns everyone).
    form = InstructorsForm(request.POST if request.method == "POST" else None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_instructors_set(
                actor=membership, course=course, membership_ids=form.cleaned_data["instructors"]
            )
        except NotPermitted:
            raise
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course's instructors were saved."))
            return redirect("partners:courses")
    context = {"form": form, "course": course, "has_instructors": bool(instructors)}
    return _render(request, membership, "courses", "partners/course_instructors.html", context)
