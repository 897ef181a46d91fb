"""How learning takes part in the order flow: a refund revokes the certificate it led to and takes
the learner's review out of the course's figures (buying again brings it back); and who teaches a
course, asked of whichever app holds the partners' members."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from courses.hooks import CheckoutExtension
from courses.models import Course, Order

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class LearningOnOrders(CheckoutExtension):
    """A refund revokes the course's certificate; a payment or a refund moves its review figures."""

    def order_paid(self, *, order: Order) -> None:
        from . import services

        services.reviews_figures_changed(learner=order.learner, course=order.course)

    def order_refunded(self, *, order: Order) -> None:
        from . import services

        services.certificates_revoke(learner=order.learner, course=order.course)
        services.reviews_figures_changed(learner=order.learner, course=order.course)


def annotate_review_figures(queryset: "QuerySet[Course]") -> "QuerySet[Course]":
    from .selectors import courses_with_review_figures

    return courses_with_review_figures(queryset)


def keep_queryset(queryset: "QuerySet[Course]") -> "QuerySet[Course]":
    return queryset  # the figures come with course_list's annotation


# ------------------------------------------------------------------------------ who teaches a course
@dataclass(frozen=True)
class CourseStaff:
    """What a user is to a course's partner: whether they teach it (answer as its instructor, see
    its questions' inbox) and whether they moderate its lesson questions."""

    teaches: bool = False
    moderates: bool = False
    # Reads (and reviews) the learners' assignment submissions of the course.
    reviews_work: bool = False
    # The partners (ids) of the course for which the user answers its reviews publicly and
    # moderates them: their owners and managers.
    speaks_for: frozenset[int] = frozenset()

    @property
    def moderates_reviews(self) -> bool:
        return bool(self.speaks_for)


NOBODY = CourseStaff()

# Answers `CourseStaff` for (user, course id). `partners` holds the members and their roles and
# registers one from its AppConfig.ready(): learning reads them without importing partners.
CourseStaffLookup = Callable[["User", int], CourseStaff]
_staff_lookups: list[CourseStaffLookup] = []


def register_course_staff(lookup: CourseStaffLookup) -> None:
    if lookup not in _staff_lookups:
        _staff_lookups.append(lookup)


def course_staff(*, user: "User | AnonymousUser", course_id: int) -> CourseStaff:
    """What `user` is to the course: one query per registered lookup (none for a visitor)."""
    if not user.is_authenticated:
        return NOBODY
    teaches = moderates = reviews_work = False
    speaks_for: frozenset[int] = frozenset()
    for lookup in _staff_lookups:
        staff = lookup(user, course_id)
        teaches, moderates = teaches or staff.teaches, moderates or staff.moderates
        reviews_work = reviews_work or staff.reviews_work
        speaks_for |= staff.speaks_for
    return CourseStaff(teaches=teaches, moderates=moderates, reviews_work=reviews_work, speaks_for=speaks_for)
