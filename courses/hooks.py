"""Extension points of the order flow.

`courses` imports neither `marketing` nor `ml`; apps that need to take part in checkout (a coupon,
campaign attribution) register a `CheckoutExtension` from their AppConfig.ready(). Services call
every registered extension at each step; an extension refuses a step by raising ApplicationError.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.utils.functional import _StrOrPromise

    from accounts.models import User
    from courses.models import Course, Order


@dataclass(frozen=True)
class Adjustment:
    """One amount an extension takes off a price, with what it needs to record it later.

    `kind` names it ("coupon", "bundle"); `code` is what the learner sees of what grants it (the
    coupon's code), stored with the order's breakdown; `refs` holds the ids of what grants it (the
    coupon; the campaign and the paired order), read back by the same extension in order_created.
    """

    kind: str
    amount: Decimal
    code: str = ""
    refs: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> "_StrOrPromise":
        """What the breakdown calls this kind of adjustment, in the active language."""
        return _adjustment_labels.get(self.kind) or _("Discount")


@dataclass(frozen=True)
class Quote:
    """The price of one course for one learner at checkout, computed once and stored as priced."""

    list_price: Decimal
    currency: str
    adjustments: tuple[Adjustment, ...] = ()

    def __post_init__(self) -> None:
        if any(adjustment.amount < 0 for adjustment in self.adjustments):
            raise ValueError("An adjustment takes an amount off; it never adds one.")

    @property
    def discount(self) -> Decimal:
        """What the adjustments take off together, never more than the list price."""
        return min(sum((a.amount for a in self.adjustments), Decimal(0)), self.list_price)

    @property
    def total(self) -> Decimal:
        return self.list_price - self.discount

    def adjustment(self, kind: str) -> Adjustment | None:
        return next((a for a in self.adjustments if a.kind == kind), None)

    def same_terms(self, other: "Quote") -> bool:
        """Whether `other` prices the same list price with the same adjustments (kind, code, amount)."""
        return (self.list_price, self.currency, self.adjustments) == (
            other.list_price,
            other.currency,
            other.adjustments,
        )

    def same_price(self, other: "Quote") -> bool:
        return (self.total, self.currency) == (other.total, other.currency)

    def as_dict(self) -> dict[str, Any]:
        """The breakdown as the API shows it: amounts as exact decimal strings."""
        return {
            "list_price": str(self.list_price),
            "adjustments": [
                {"kind": a.kind, "label": str(a.label), "code": a.code, "amount": str(a.amount)}
                for a in self.adjustments
            ],
            "discount": str(self.discount),
            "total": str(self.total),
            "currency": self.currency,
        }


_adjustment_labels: dict[str, "_StrOrPromise"] = {}


def register_adjustment_label(kind: str, label: "_StrOrPromise") -> None:
    """Name a kind of adjustment for price breakdowns (a lazy translation: shown in the page's language)."""
    _adjustment_labels[kind] = label


class CheckoutExtension:
    """Override the steps you take part in; every default does nothing."""

    def context_from_request(self, request: "HttpRequest") -> Mapping[str, Any]:
        """Return what this extension needs from the checkout request (form fields, cookies)."""
        return {}

    def adjustments(
        self, *, learner: "User", course: "Course", context: Mapping[str, Any], order: "Order | None" = None
    ) -> tuple[Adjustment, ...]:
        """Return what this extension takes off the course price (raise to refuse the checkout).

        `order` is the learner's pending order of the course when checkout continues it: what it
        priced (its coupon) still applies unless the context changes it, and what it holds (its
        coupon use, its bundle pairing) is its own, not taken by someone else.
        """
        return ()

    def order_created(self, *, order: "Order", quote: Quote, context: Mapping[str, Any]) -> None:
        """Record what the new order owes to this extension, as `quote` priced it (same transaction)."""

    def payment_starting(self, *, order: "Order") -> None:
        """Check the order may still be paid as priced and secure what that needs (raise to refuse).

        Called before the learner is sent to pay (and by the sandbox gateway before it charges);
        may be called again for the same order, so securing twice must count once.
        """

    def payment_confirming(self, *, order: "Order") -> None:
        """Under the order's row lock, before a payment is recorded: find what the price relies on
        secured for this order, or secure it now (raise to refuse: the payment is not recorded
        and the order is cancelled). Every payment path, of every provider, ends here."""

    def order_paid(self, *, order: "Order") -> None:
        """React to the payment (same transaction as the payment)."""

    def order_cancelled(self, *, order: "Order") -> None:
        """Release what an unpaid order held (cancelled by the learner, or expired)."""

    def orders_cancelled(self, *, order_ids: list[int]) -> None:
        """Release what many expired orders held, in bulk (override: the default goes one by one)."""
        from courses.models import Order

        for order in Order.objects.filter(pk__in=order_ids):
            self.order_cancelled(order=order)

    def order_refunded(self, *, order: "Order") -> None:
        """Take back what a refunded order earned."""


_extensions: list[CheckoutExtension] = []


def register(extension: CheckoutExtension) -> None:
    if not any(type(existing) is type(extension) for existing in _extensions):
        _extensions.append(extension)


def extensions() -> tuple[CheckoutExtension, ...]:
    return tuple(_extensions)


def checkout_quote(
    *, learner: "User", course: "Course", context: Mapping[str, Any], order: "Order | None" = None
) -> Quote:
    """Price `course` for `learner`: its list price less every extension's adjustments.

    With `order` (the pending order checkout continues), the extensions keep what it priced
    unless the context changes it.
    """
    adjustments = tuple(
        adjustment
        for extension in _extensions
        for adjustment in extension.adjustments(learner=learner, course=course, context=context, order=order)
    )
    return Quote(list_price=course.price, currency=course.currency, adjustments=adjustments)


def checkout_context(request: "HttpRequest") -> dict[str, Any]:
    context: dict[str, Any] = {}
    for extension in _extensions:
        context.update(extension.context_from_request(request))
    return context


_course_filters: dict[str, Any] = {}


def register_course_filter(name: str, course_filter: Any) -> None:
    """Add a django-filter Filter to the catalogue (pages and API) under the query parameter `name`."""
    _course_filters[name] = course_filter


def course_filters() -> dict[str, Any]:
    return dict(_course_filters)


_course_fields: dict[str, tuple[Callable[[], Any], Callable[["QuerySet[Course]"], "QuerySet[Course]"]]] = {}


def register_course_field(
    name: str, field: Callable[[], Any], prefetch: Callable[["QuerySet[Course]"], "QuerySet[Course]"]
) -> None:
    """Add a read-only field to the course API under `name`.

    `field` builds a fresh DRF field (fields are bound to one serializer); `prefetch` takes the
    course queryset and returns it with what the field reads prefetched, so that a page of courses
    costs one extra query, not one per course.
    """
    _course_fields[name] = (field, prefetch)


def course_fields() -> dict[str, Any]:
    """Fresh instances of the registered course fields, by name."""
    return {name: field() for name, (field, _) in _course_fields.items()}


def prefetch_course_fields(queryset: "QuerySet[Course]") -> "QuerySet[Course]":
    for _name, prefetch in _course_fields.values():
        queryset = prefetch(queryset)
    return queryset


CourseAnnotation = Callable[["QuerySet[Course]"], "QuerySet[Course]"]
_course_annotations: list[CourseAnnotation] = []


def register_course_annotation(annotate: CourseAnnotation) -> None:
    """Have every course list (catalogue, home, course page, API, campaign pages) annotated by
    `annotate`: figures another app shows on course cards (learning's review figures) come in
    the courses' own query, never in a query per card."""
    if annotate not in _course_annotations:
        _course_annotations.append(annotate)


def annotate_courses(queryset: "QuerySet[Course]") -> "QuerySet[Course]":
    for annotate in _course_annotations:
        queryset = annotate(queryset)
    return queryset


# Called with the ids of courses whose text (title, description) changed or became public.
CourseTextChanged = Callable[[list[int]], None]
_course_text_changed: list[CourseTextChanged] = []


def register_course_text_changed(callback: CourseTextChanged) -> None:
    """Have `callback` told (after commit) when courses' text changes: the skill tagger re-reads it."""
    if callback not in _course_text_changed:
        _course_text_changed.append(callback)


def course_text_changed(course_ids: Sequence[int]) -> None:
    """Tell the registered callbacks, once the current transaction commits (so that they see the
    text as saved), that these courses' title or description changed, or that they were published.
    Fired by the services (and the admin) that write that text; a price-only edit does not."""
    from django.db import transaction

    ids = sorted(set(course_ids))
    for callback in _course_text_changed:
        # robust: the course is saved; a failing listener (a broker that is down) is logged only.
        transaction.on_commit(_later(callback, ids), robust=True)


def _later(callback: CourseTextChanged, ids: list[int]) -> Callable[[], None]:
    def notify() -> None:  # a named function: Django's robust on_commit logs its __qualname__
        callback(ids)

    return notify


# Whether a user neither enrolled nor a platform manager may still open a course's lessons and
# their media: the course's partner's instructors, who answer learners' questions in the lesson.
LessonAccess = Callable[["User", int], bool]
_lesson_access: list[LessonAccess] = []


def register_lesson_access(check: LessonAccess) -> None:
    """`check(user, course_id)` is asked last, only for a locked lesson (a query it makes is paid there only)."""
    if check not in _lesson_access:
        _lesson_access.append(check)


def lesson_access_granted(*, user: "User | AnonymousUser", course_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return any(check(user, course_id) for check in _lesson_access)
