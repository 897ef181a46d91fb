"""Writes of the courses domain, one module per part; imported from here (`courses.services`)."""

from .catalogue import (
    COURSE_FIELDS,
    COURSE_TEXT_FIELDS,
    check_course_partners,
    course_archive,
    course_create,
    course_publish,
    course_slug_derive,
    course_update,
)
from .orders import (
    ORDER_EXPIRY_BATCH,
    PriceChanged,
    checkout_preview,
    enrollment_create_free,
    order_cancel,
    order_checkout,
    order_expire_stale,
)
from .payments import (
    order_refund,
    order_send_receipt,
    orders_missing_receipt_ids,
    payment_confirm,
    payment_secure,
    payment_start,
)

__all__ = [
    "COURSE_FIELDS", "COURSE_TEXT_FIELDS", "ORDER_EXPIRY_BATCH", "PriceChanged", "check_course_partners",
    "checkout_preview", "course_archive", "course_create", "course_publish", "course_slug_derive", "course_update",
    "enrollment_create_free", "order_cancel", "order_checkout", "order_expire_stale", "order_refund",
    "order_send_receipt", "orders_missing_receipt_ids", "payment_confirm", "payment_secure", "payment_start",
]  # fmt: skip
