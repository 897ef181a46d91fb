"""A coupon's caps hold where money moves: every payment path, under a 200-way race on PostgreSQL.

Measured before the fix (issue 11): 200 parallel `…/pay/` calls on a coupon capped at 50 gave
50 successes, and the gateway page then charged every refused order at the discounted price.
"""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from courses import services as course_services
from courses.models import Order, Payment
from courses.payments.sandbox import SandboxProvider
from marketing.models import CouponRedemption
from tests.factories import CouponFactory, CourseFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 24


def checkout(learner, course, code: str) -> Order:
    return course_services.order_checkout(learner=learner, course=course, context={"coupon_code": code})[0]


def in_threads(function, items) -> list:
    def call(item):
        try:
            return function(item)
        finally:
            connection.close()  # each thread had its own connection: hand it back

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(call, items))


def api_pay(order: Order) -> int:
    client = APIClient()
    client.force_authenticate(order.learner)
    return client.post(f"/api/v1/orders/{order.number}/pay/").status_code


def every_payment_path(order: Order) -> None:
    """Try to pay `order` every way there is, as its learner and as a gateway that charged anyway."""
    browser = Client()
    browser.force_login(order.learner)
    api_pay(order)
    browser.post(reverse("courses:order-pay", args=[order.number]))
    gateway = browser.post(reverse("courses:sandbox-gateway", args=[order.number]), {"action": "pay"})
    if gateway.url.startswith(reverse("courses:sandbox-return")):
        browser.get(gateway.url)
    callback = SandboxProvider().charge(order)  # signed as the gateway signs a charge it made
    browser.get(f"{reverse('courses:sandbox-return')}?{urlencode(callback)}")
    Client().post(reverse("courses:sandbox-notify"), callback)


def discounted_paid() -> set[int]:
    return set(Order.objects.filter(status=Order.Status.PAID, discount__gt=0).values_list("pk", flat=True))


def redeemed(coupon) -> set[int]:
    return set(coupon.redemptions.filter(status=CouponRedemption.Status.REDEEMED).values_list("order_id", flat=True))


def test_two_hundred_racing_buyers_of_a_fifty_cap_coupon_pay_fifty_discounted_orders_on_every_path():
    coupon = CouponFactory(total_cap=50, per_learner_cap=1)
    course = CourseFactory(price=Decimal("100.00"))
    orders = [checkout(UserFactory(), course, coupon.code) for _ in range(200)]

    statuses = in_threads(api_pay, orders)
    in_threads(every_payment_path, orders)  # the 50 that may pay do; the others try every door

    assert statuses.count(200) == 50
    paid = discounted_paid()
    assert len(paid) == 50, f"{len(paid)} discounted payments"
    assert redeemed(coupon) == paid
    assert Payment.objects.filter(order__in=paid, amount=Decimal("80.00")).count() == 50
    assert Order.objects.filter(status=Order.Status.PAID).count() == 50


def test_two_hundred_racing_gateway_callbacks_for_a_fifty_cap_coupon_pay_fifty():
    # Orders whose payment never started (a gateway session left open, a provider that skipped it):
    # the callbacks themselves race, and the cap is counted under the coupon's row lock at confirm.
    coupon = CouponFactory(total_cap=50, per_learner_cap=1)
    course = CourseFactory(price=Decimal("100.00"))
    orders = [checkout(UserFactory(), course, coupon.code) for _ in range(200)]

    statuses = in_threads(
        lambda order: Client().post(reverse("courses:sandbox-notify"), SandboxProvider().charge(order)).status_code,
        orders,
    )

    assert (statuses.count(200), statuses.count(400)) == (50, 150)
    assert redeemed(coupon) == discounted_paid()
    assert len(discounted_paid()) == 50
    # Refused at the point of payment: cancelled (its coupon use released), never paid later.
    assert Order.objects.filter(status=Order.Status.CANCELLED).count() == 150
    assert coupon.redemptions.filter(status=CouponRedemption.Status.RELEASED).count() == 150


def test_a_learner_racing_several_orders_on_a_once_per_learner_coupon_pays_one_discounted():
    coupon = CouponFactory(per_learner_cap=1)
    learner = UserFactory()
    orders = [checkout(learner, CourseFactory(price=Decimal("100.00")), coupon.code) for _ in range(6)]

    in_threads(every_payment_path, orders)

    assert len(discounted_paid()) == 1
    assert redeemed(coupon) == discounted_paid()
