"""A sandbox gateway that behaves like a real one, without moving money.

The flow is the one of a hosted-checkout gateway: the shop redirects the learner to the
gateway's page; when they pay, the gateway sends the shop a callback signed with the merchant's
shared secret (HMAC-SHA256 over the sorted fields), both to the browser's return URL and
server-to-server. The shop trusts nothing that the signature does not cover.
"""

import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from uuid import UUID, uuid4

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from . import InvalidCallback, PaymentNotice

if TYPE_CHECKING:
    from courses.models import Order, Payment

SIGNED_FIELDS = ("order", "reference", "amount", "currency", "status")


class SandboxProvider:
    name = "sandbox"

    def _secret(self) -> bytes:
        return (settings.PAYMENT_SANDBOX_SECRET or f"sandbox:{settings.SECRET_KEY}").encode()

    def sign(self, fields: Mapping[str, str]) -> str:
        message = "&".join(f"{key}={fields[key]}" for key in sorted(SIGNED_FIELDS))
        return hmac.new(self._secret(), message.encode(), hashlib.sha256).hexdigest()

    def checkout_url(self, order: "Order") -> str:
        return reverse("courses:sandbox-gateway", args=[order.number])

    def charge(self, order: "Order") -> dict[str, str]:
        """Play the gateway taking the money: return the signed callback fields.

        The transaction reference derives from the order number, as a real gateway refuses a
        second charge for one merchant order: a double click on "pay" yields one transaction.
        """
        reference = "sbx_" + hmac.new(self._secret(), str(order.number).encode(), hashlib.sha256).hexdigest()[:24]
        fields = {
            "order": str(order.number),
            "reference": reference,
            "amount": f"{order.amount:.2f}",
            "currency": order.currency,
            "status": "paid",
        }
        return {**fields, "signature": self.sign(fields)}

    def return_url(self, fields: Mapping[str, str]) -> str:
        return f"{reverse('courses:sandbox-return')}?{urlencode(fields)}"

    def parse_callback(self, data: Mapping[str, str]) -> PaymentNotice:
        missing = [key for key in (*SIGNED_FIELDS, "signature") if not data.get(key)]
        if missing:
            raise InvalidCallback(_("The payment callback is incomplete."), extra={"missing": missing})
        if not hmac.compare_digest(self.sign(data), str(data["signature"])):
            raise InvalidCallback(_("The payment callback's signature does not match."), code="bad_signature")
        if data["status"] != "paid":
            raise InvalidCallback(_("The gateway reports the payment as not paid."), code="not_paid")
        try:
            order_number = UUID(str(data["order"]))
            amount = Decimal(str(data["amount"]))
        except (ValueError, InvalidOperation) as exc:
            raise InvalidCallback(_("The payment callback is malformed.")) from exc
        payload = {key: str(data[key]) for key in (*SIGNED_FIELDS, "signature")}
        return PaymentNotice(
            provider=self.name,
            order_number=order_number,
            reference=str(data["reference"]),
            amount=amount,
            currency=str(data["currency"]),
            payload=payload,
        )

    def refund(self, payment: "Payment") -> str:
        return f"sbx_refund_{uuid4().hex[:24]}"
