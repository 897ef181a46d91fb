"""How learning takes part in the order flow: a refund revokes the certificate it led to."""

from courses.hooks import CheckoutExtension
from courses.models import Order


class CertificateRevocation(CheckoutExtension):
    def order_refunded(self, *, order: Order) -> None:
        from . import services

        services.certificates_revoke(learner=order.learner, course=order.course)
