"""Reads of the courses domain. Each returns a queryset whose cost does not grow with its length."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import connection
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


@dataclass(frozen=True)
class CoPurchase:
    """Two courses (first < second) that `together` distinct learners hold paid orders for, out of
    `first_learners` and `second_learners` for each alone and `learners` with any paid order."""

    first: int
    second: int
    together: int
    first_learners: int
    second_learners: int
    learners: int

    @property
    def lift(self) -> float:
        """How much likelier buying both is than if the two were bought independently."""
        return self.together * self.learners / (self.first_learners * self.second_learners)


# One aggregate over every paid order, whatever the catalogue's size: per pair of courses the
# distinct learners who paid for both, with each course's and the whole platform's learner counts
# for the lift. A self-join the ORM cannot say in one query; plain SQL that PostgreSQL and SQLite
# both run. Refunded and cancelled orders do not count: status is "paid" only while it holds.
_CO_PURCHASES_SQL = """
WITH paid AS (SELECT DISTINCT learner_id, course_id FROM {orders} WHERE status = %s),
counts AS (SELECT course_id, COUNT(*) AS n FROM paid GROUP BY course_id),
pairs AS (
    SELECT a.course_id AS lo, b.course_id AS hi, COUNT(*) AS n
    FROM paid a JOIN paid b ON a.learner_id = b.learner_id AND a.course_id < b.course_id
    GROUP BY a.course_id, b.course_id
    HAVING COUNT(*) >= %s
)
SELECT pairs.lo, pairs.hi, pairs.n, cf.n, cs.n, (SELECT COUNT(DISTINCT learner_id) FROM paid)
FROM pairs
JOIN counts cf ON cf.course_id = pairs.lo
JOIN counts cs ON cs.course_id = pairs.hi
ORDER BY pairs.lo, pairs.hi
"""


def co_purchases(*, min_support: int) -> list[CoPurchase]:
    """Every pair of courses bought by at least `min_support` distinct learners (paid orders): one query."""
    sql = _CO_PURCHASES_SQL.format(orders=connection.ops.quote_name(Order._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [Order.Status.PAID.value, max(1, min_support)])
        return [CoPurchase(*map(int, row)) for row in cursor.fetchall()]


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
