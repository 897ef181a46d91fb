"""How learning takes part in the order flow: a refund revokes the certificate it led to and takes
the learner's review out of the course's figures (buying again brings it back)."""

from django.db.models import QuerySet

from courses.hooks import CheckoutExtension
from courses.models import Course, Order


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
