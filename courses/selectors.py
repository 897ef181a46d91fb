"""Reads of the courses domain. Each returns a queryset whose cost does not grow with its length."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from . import hooks
from .models import Course, Enrollment, Lesson, Order, Partner

if TYPE_CHECKING:
    from uuid import UUID

    from accounts.models import User

MANAGER_PERMISSION = "courses.change_course"


def user_is_manager(user: "User | AnonymousUser") -> bool:
    return bool(user.is_authenticated and user.has_perm(MANAGER_PERMISSION))


def course_list(*, user: "User | AnonymousUser | None" = None) -> QuerySet[Course]:
    """Courses a user may browse: published ones, every one for course managers."""
    courses = Course.objects.all() if user is not None and user_is_manager(user) else Course.objects.published()
    return hooks.annotate_courses(courses).prefetch_related("partners")


def course_detail(*, slug: str, user: "User | AnonymousUser") -> Course:
    lessons = Prefetch("lessons", queryset=Lesson.objects.order_by("position"))
    return course_list(user=user).prefetch_related(lessons).get(slug=slug)


def enrolled_course_ids(*, user: "User | AnonymousUser") -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Enrollment.objects.active().filter(learner=user).values_list("course_id", flat=True))


def lesson_is_unlocked(*, lesson: Lesson, user: "User | AnonymousUser", enrolled: set[int]) -> bool:
    return lesson.is_free_preview or lesson.course_id in enrolled or user_is_manager(user)


def lesson_list(*, user: "User | AnonymousUser") -> QuerySet[Lesson]:
    lessons = Lesson.objects.select_related("course")
    if not user_is_manager(user):
        lessons = lessons.filter(course__status=Course.Status.PUBLISHED)
    return lessons.order_by("course_id", "position")


def learner_enrollments(*, learner: "User") -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.active()
        .filter(learner=learner)
        .select_related("course", "order")  # the order: "my learning" shows what was paid
        .prefetch_related("course__partners")
    )


def order_list(*, user: "User") -> QuerySet[Order]:
    """A learner's own orders; every order for staff who may view them."""
    orders = Order.objects.select_related("course", "learner").prefetch_related("adjustments")
    if not user.has_perm("courses.view_order"):
        orders = orders.filter(learner=user)
    return orders


def enrollment_list(*, user: "User") -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.select_related("course", "learner", "order")
    if not user.has_perm("courses.view_enrollment"):
        enrollments = enrollments.filter(learner=user)
    return enrollments


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.all()


def published_course(*, slug: str) -> Course | None:
    return Course.objects.published().filter(slug=slug).first()


def pending_order(*, learner: "User | AnonymousUser", course: Course) -> Order | None:
    """The learner's order of `course` waiting for payment, if any."""
    if not learner.is_authenticated:
        return None
    pending = Order.objects.filter(learner=learner, course=course, status=Order.Status.PENDING)
    return pending.prefetch_related("adjustments").first()


def order_quote(*, order: Order) -> hooks.Quote:
    """The breakdown an order was priced at, read back from what it stored (one query, none if prefetched).

    An order from before breakdowns were stored shows its discount as one line.
    """
    adjustments = tuple(
        hooks.Adjustment(kind=line.kind, amount=line.amount, code=line.code) for line in order.adjustments.all()
    )
    if not adjustments and order.discount:
        adjustments = (hooks.Adjustment(kind="discount", amount=order.discount),)
    return hooks.Quote(list_price=order.list_price, currency=order.currency, adjustments=adjustments)


def learner_order(*, learner: "User", number: "UUID | str") -> Order | None:
    """One of the learner's own orders by its number (another learner's order is not found)."""
    orders = Order.objects.select_related("course").prefetch_related("adjustments")
    return orders.filter(number=number, learner=learner).first()


def learner_recent_orders(*, learner: "User", limit: int = 50) -> QuerySet[Order]:
    return Order.objects.filter(learner=learner).select_related("course")[:limit]
