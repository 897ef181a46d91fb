"""Payment providers: the seam between orders and a payment gateway.

A provider turns a pending order into a URL where the learner pays, turns a gateway callback into
a verified `PaymentNotice` (or refuses it), and refunds a payment. Which providers exist is the
`PAYMENT_PROVIDERS` setting; `PAYMENT_PROVIDER` names the one new orders use.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string

from platform_site.exceptions import ApplicationError, Conflict

if TYPE_CHECKING:
    from courses.models import Order, Payment


class InvalidCallback(ApplicationError):
    default_code = "invalid_callback"


class PaymentRefused(Conflict):
    """The order could not be paid at its price when the money arrived (its coupon ran out, say):
    nothing was recorded, the order was cancelled, and the gateway's transaction is to be refunded."""

    default_code = "payment_refused"


@dataclass(frozen=True)
class PaymentNotice:
    """A gateway's word, verified, that money for an order arrived."""

    provider: str
    order_number: UUID
    reference: str
    amount: Decimal
    currency: str
    payload: Mapping[str, str]


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, order: "Order") -> str:
        """Return the URL where the learner pays for `order`."""

    def parse_callback(self, data: Mapping[str, str]) -> PaymentNotice:
        """Return the verified notice in `data`; raise InvalidCallback if it is not authentic."""

    def refund(self, payment: "Payment") -> str:
        """Give the money of `payment` back and return the gateway's refund reference."""


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    try:
        path = settings.PAYMENT_PROVIDERS[name]
    except KeyError as exc:
        raise ApplicationError(f"Unknown payment provider {name!r}.", code="unknown_provider") from exc
    return import_string(path)()
