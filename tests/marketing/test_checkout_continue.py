"""Continuing a pending order keeps its price and coupon; a new price is shown and confirmed first."""

from decimal import Decimal

import pytest

from courses import selectors
from courses import services as course_services
from courses.models import Course, Order, OrderAdjustment
from courses.services import PriceChanged
from marketing.models import BundlePurchase, CouponRedemption
from tests.factories import CampaignFactory, CouponFactory, CourseFactory

pytestmark = pytest.mark.django_db


def checkout(learner, course, code: str = "", **kwargs) -> tuple[Order, bool]:
    context = {"coupon_code": code, "coupon_remove": kwargs.pop("remove", False)}
    return course_services.order_checkout(learner=learner, course=course, context=context, **kwargs)


@pytest.fixture
def spring_order(learner) -> Order:
    """SPRING20 applied to a 199.00 course and the learner sent to the gateway (its one use secured)."""
    course = CourseFactory(price=Decimal("199.00"))
    CouponFactory(code="SPRING20", per_learner_cap=1)
    order, _ = checkout(learner, course, "SPRING20")
    course_services.payment_start(order=order)
    return order


def test_the_order_stores_the_breakdown_its_quote_priced(spring_order):
    quote = selectors.order_quote(order=spring_order)
    line = OrderAdjustment.objects.get(order=spring_order)
    assert (line.kind, line.code, line.amount) == ("coupon", "SPRING20", Decimal("39.80"))
    assert (quote.list_price, quote.discount, quote.total) == (Decimal("199.00"), Decimal("39.80"), Decimal("159.20"))
    assert quote.total == spring_order.amount


def test_continuing_without_typing_a_coupon_keeps_the_pending_order_and_its_coupon(learner, spring_order):
    order, created = checkout(learner, spring_order.course)

    assert (order, created, order.amount) == (spring_order, False, Decimal("159.20"))
    assert Order.objects.count() == 1
    assert CouponRedemption.objects.get().status == "redeemed"


def test_typing_the_same_coupon_again_continues_the_order_its_use_already_counted(learner, spring_order):
    order, created = checkout(learner, spring_order.course, "spring20")
    assert (order, created) == (spring_order, False)


def test_removing_the_coupon_is_refused_until_the_new_total_is_confirmed(learner, spring_order):
    with pytest.raises(PriceChanged) as change:
        checkout(learner, spring_order.course, remove=True)

    assert change.value.status_code == 409
    assert (change.value.extra["current"]["total"], change.value.extra["quote"]["total"]) == ("159.20", "199.00")
    assert change.value.extra["confirm_total"] == "199.00"
    spring_order.refresh_from_db()
    assert spring_order.status == "pending"


def test_the_confirmed_new_total_replaces_the_order_and_gives_the_coupon_use_back(learner, spring_order):
    order, created = checkout(learner, spring_order.course, remove=True, confirm_total=Decimal("199.00"))

    spring_order.refresh_from_db()
    assert (created, order.amount, order.discount) == (True, Decimal("199.00"), Decimal("0.00"))
    assert spring_order.status == "cancelled"
    assert CouponRedemption.objects.get().status == "released"
    assert not order.adjustments.exists()


def test_another_coupon_at_another_price_is_shown_before_it_replaces_the_order(learner, spring_order):
    CouponFactory(code="HALF", value=Decimal("50"))

    with pytest.raises(PriceChanged) as change:
        checkout(learner, spring_order.course, "HALF")

    new = change.value.extra["quote"]
    assert (new["adjustments"][0]["code"], new["adjustments"][0]["amount"], new["total"]) == ("HALF", "99.50", "99.50")
    order, _ = checkout(learner, spring_order.course, "HALF", confirm_total=Decimal("99.50"))
    assert (order.amount, OrderAdjustment.objects.get(order=order).code) == (Decimal("99.50"), "HALF")


def test_a_changed_course_price_is_shown_and_the_coupon_is_kept_once_confirmed(learner, spring_order):
    Course.objects.filter(pk=spring_order.course_id).update(price=Decimal("249.00"))
    course = Course.objects.get(pk=spring_order.course_id)

    with pytest.raises(PriceChanged) as change:
        checkout(learner, course)
    assert change.value.extra["quote"]["total"] == "199.20"  # 249.00 less 20 %

    order, _ = checkout(learner, course, confirm_total=Decimal("199.20"))
    assert (order.list_price, order.discount, order.amount) == (Decimal("249.00"), Decimal("49.80"), Decimal("199.20"))


def test_a_confirmed_total_that_is_no_longer_the_price_is_refused(learner):
    course = CourseFactory(price=Decimal("100.00"))

    with pytest.raises(PriceChanged) as change:
        checkout(learner, course, confirm_total=Decimal("80.00"))

    assert (change.value.extra["order"], change.value.extra["quote"]["total"]) == (None, "100.00")
    assert not Order.objects.exists()


def test_a_new_quote_at_the_same_total_replaces_the_order_without_asking(learner, spring_order):
    CouponFactory(code="ALSO20", value=Decimal("20"))
    order, created = checkout(learner, spring_order.course, "ALSO20")
    assert (created, order.amount, order.adjustments.get().code) == (True, Decimal("159.20"), "ALSO20")


def test_continuing_a_bundle_priced_order_keeps_its_bundle_price(learner):
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))
    first, _ = checkout(learner, campaign.knowledge_courses.get())
    Order.objects.filter(pk=first.pk).update(status="paid")
    second, _ = checkout(learner, campaign.art_courses.get())

    again, created = checkout(learner, campaign.art_courses.get())

    assert (again, created, again.amount) == (second, False, Decimal("220.00"))
    assert BundlePurchase.objects.get().second_order == second
    assert [(a.kind, a.amount) for a in selectors.order_quote(order=again).adjustments] == [
        ("bundle", Decimal("80.00"))
    ]


def test_a_preview_prices_the_typed_coupon_and_writes_nothing(learner):
    course = CourseFactory(price=Decimal("199.00"))
    CouponFactory(code="SPRING20")

    quote = course_services.checkout_preview(learner=learner, course=course, context={"coupon_code": "SPRING20"})

    assert (quote.total, quote.adjustments[0].code) == (Decimal("159.20"), "SPRING20")
    assert not Order.objects.exists() and not CouponRedemption.objects.exists()
