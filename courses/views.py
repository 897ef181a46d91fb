"""Learner pages: thin views that validate input, call one service or selector, and render."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.request_user import request_user
from platform_site.exceptions import ApplicationError
from platform_site.shortcuts import found

from . import cache as catalogue_cache
from . import covers, hooks, selectors, services
from .filters import CourseFilter
from .media import player
from .models import Course, Order
from .payments.sandbox import SandboxProvider

CATALOGUE_PAGE_SIZE = 12
CENT = Decimal("0.01")


def _own_order(request: HttpRequest, number: uuid.UUID) -> Order:
    return found(selectors.learner_order(learner=request_user(request), number=number))


@require_GET
@catalogue_cache.public_page
def home(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list()
    context = {
        "featured": {
            track: list(courses.filter(track=track)[:3])
            for track in (Course.Track.KNOWLEDGE, Course.Track.ART, Course.Track.CROSSOVER)
        },
        "partners": selectors.partner_list(),
    }
    return render(request, "courses/home.html", context)


@require_GET
@catalogue_cache.public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    def listing() -> str:
        course_filter = CourseFilter(request.GET, queryset=selectors.course_list(user=request.user))
        page = Paginator(course_filter.qs, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        return render_to_string("courses/_catalogue_listing.html", {"filter": course_filter, "page": page}, request)

    if selectors.user_is_manager(request.user):
        html = listing()  # managers also see drafts: never cached for, nor shared with, visitors
    else:
        variant = f"{get_language()}:{request.GET.urlencode()}"
        html = catalogue_cache.cached("catalogue-page", variant, listing)
    return render(request, "courses/catalogue.html", {"listing": html})


def _course_or_404(request: HttpRequest, slug: str) -> Course:
    try:
        return selectors.course_detail(slug=slug, user=request.user)
    except Course.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@catalogue_cache.public_page
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _course_page(request, _course_or_404(request, slug))


def _course_page(
    request: HttpRequest,
    course: Course,
    *,
    preview: hooks.Quote | None = None,
    coupon_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The course page; after "apply" it shows the previewed price, or the coupon's error at its field."""
    enrolled = selectors.enrolled_course_ids(user=request.user)
    lessons = [
        (lesson, selectors.lesson_is_unlocked(lesson=lesson, user=request.user, enrolled=enrolled))
        for lesson in course.lessons.all()
    ]
    pending = selectors.pending_order(learner=request.user, course=course)
    context = {
        "course": course,
        "lessons": lessons,
        "is_enrolled": course.pk in enrolled,
        "pending_order": pending,
        "pending_quote": selectors.order_quote(order=pending) if pending else None,
        "preview": preview,
        "coupon": request.POST.get("coupon", "").strip()[:32],
        "coupon_error": coupon_error,
        # One key per rendered page: a double-submitted "buy" form opens one order.
        "checkout_key": uuid.uuid4().hex if request.user.is_authenticated else "",
    }
    return render(request, "courses/course_detail.html", context, status=status)


def _coupon_error(error: ApplicationError) -> str:
    """The message of a refusal that belongs at the coupon field, else ""."""
    fields = error.extra.get("fields") or {}
    return str(fields["coupon"][0]) if fields.get("coupon") else ""


def _confirm_total(request: HttpRequest) -> Decimal | None:
    try:
        return Decimal(request.POST["confirm_total"]).quantize(CENT)
    except (KeyError, ArithmeticError, ValueError):
        return None


@login_required
@require_POST
def checkout_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Show on the course page what the learner would pay with the coupon typed (no order is made)."""
    course = _course_or_404(request, slug)
    try:
        quote = services.checkout_preview(
            learner=request_user(request), course=course, context=hooks.checkout_context(request)
        )
    except ApplicationError as error:
        if coupon_error := _coupon_error(error):
            return _course_page(request, course, coupon_error=coupon_error, status=400)
        messages.error(request, error.message)
        return redirect(course)
    return _course_page(request, course, preview=quote)


@login_required
@require_POST
def buy(request: HttpRequest, slug: str) -> HttpResponse:
    course = found(selectors.published_course(slug=slug))
    key = request.POST.get("checkout_key", "")[:64]
    try:
        if course.is_free:
            services.enrollment_create_free(learner=request_user(request), course=course)
            messages.success(request, _("You are enrolled. Enjoy the course!"))
            return redirect(course)
        order, _created = services.order_checkout(
            learner=request_user(request),
            course=course,
            idempotency_key=key,
            context=hooks.checkout_context(request),
            confirm_total=_confirm_total(request),
        )
        return redirect(services.payment_start(order=order))
    except services.PriceChanged as change:
        context = {
            "course": course,
            "change": change,
            "coupon": request.POST.get("coupon", "").strip()[:32],
            "coupon_remove": bool(request.POST.get("coupon_remove")),
            "checkout_key": uuid.uuid4().hex,
        }
        return render(request, "courses/checkout_confirm.html", context)
    except ApplicationError as error:
        if coupon_error := _coupon_error(error):
            return _course_page(request, _course_or_404(request, slug), coupon_error=coupon_error, status=400)
        messages.error(request, error.message)
        return redirect(course)


@login_required
@require_POST
def order_pay(request: HttpRequest, number: uuid.UUID) -> HttpResponse:
    """Go on to pay a pending order as priced, after its price is checked again (a coupon may have run out)."""
    order = _own_order(request, number)
    try:
        return redirect(services.payment_start(order=order))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("courses:my-learning")


@require_GET
def lesson_detail(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    try:
        course = selectors.course_detail(slug=slug, user=request.user)
    except Course.DoesNotExist as exc:
        raise Http404 from exc
    lessons = list(course.lessons.all())
    index = found(next((i for i, lesson in enumerate(lessons) if lesson.position == position), None))
    lesson = lessons[index]
    enrolled = selectors.enrolled_course_ids(user=request.user)
    if not selectors.lesson_is_unlocked(
        lesson=lesson, user=request.user, enrolled=enrolled
    ) and not hooks.lesson_access_granted(user=request.user, course_id=course.pk):
        messages.info(request, _("Enroll in the course to open this lesson."))
        return redirect(course)
    context = {
        "course": course,
        "lesson": lesson,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "is_enrolled": course.pk in enrolled,
        **player.player_context(lesson=lesson, user=request.user),
    }
    return render(request, "courses/lesson_detail.html", context)


@login_required
@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    context = {
        "enrollments": selectors.learner_enrollments(learner=request_user(request)),
        "orders": selectors.learner_recent_orders(learner=request_user(request)),
    }
    return render(request, "courses/my_learning.html", context)


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: uuid.UUID) -> HttpResponse:
    order = _own_order(request, number)
    try:
        services.order_cancel(order=order)
        messages.success(request, _("The order was cancelled."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("courses:my-learning")


# ------------------------------------------------------------------------------ sandbox gateway
@login_required
def sandbox_gateway(request: HttpRequest, number: uuid.UUID) -> HttpResponse:
    """The sandbox gateway's hosted payment page (it would live on the gateway's own site)."""
    order = _own_order(request, number)
    if request.method == "POST":
        if request.POST.get("action") == "pay" and order.status == Order.Status.PENDING:
            # A hosted gateway charges only what the shop handed it: the payment must have started,
            # its coupon use secured. A page opened by URL for a refused order charges nothing.
            try:
                services.payment_secure(order=order)
            except ApplicationError as error:
                messages.error(request, error.message)
                return redirect("courses:my-learning")
            provider = SandboxProvider()
            return redirect(provider.return_url(provider.charge(order)))
        return redirect(order.course)
    context = {"order": order, "quote": selectors.order_quote(order=order)}
    return render(request, "courses/sandbox_gateway.html", context)


@require_GET
def sandbox_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the browser back, with the signed callback in the query string."""
    try:
        notice = SandboxProvider().parse_callback(request.GET.dict())
        order = services.payment_confirm(notice=notice)
    except ApplicationError as error:
        return render(request, "courses/payment_error.html", {"error": error}, status=400)
    messages.success(request, _("Payment received. The whole course is open to you now."))
    return redirect(order.course)


@csrf_exempt
@require_POST
def sandbox_notify(request: HttpRequest) -> HttpResponse:
    """The gateway's server-to-server callback. Answers 200 once the payment is recorded."""
    try:
        notice = SandboxProvider().parse_callback(request.POST.dict())
        order = services.payment_confirm(notice=notice)
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "code": error.code, "extra": error.extra}, status=400)
    return JsonResponse({"order": str(order.number), "status": order.status})


@require_GET
def course_cover(request: HttpRequest, slug: str, language: str) -> HttpResponseBase:
    """The co-branded cover of a course without an uploaded one (drawn once, then from storage)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    try:
        course = selectors.course_list(user=request.user).get(slug=slug)
    except Course.DoesNotExist as exc:
        raise Http404 from exc
    with translation.override(language):
        name, data = covers.cover_png(course)
        fresh = request.GET.get("v") == covers.cover_key(course)
    response: HttpResponseBase
    if data is not None:
        response = HttpResponse(data, content_type="image/png")
    else:
        response = FileResponse(default_storage.open(name), content_type="image/png")
    # A URL with the current key never changes what it shows; an old or missing key may.
    response["Cache-Control"] = "public, max-age=31536000, immutable" if fresh else "public, max-age=300"
    return response
