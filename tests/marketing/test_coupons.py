from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.models import Order
from marketing.models import Coupon, CouponRedemption
from platform_site.exceptions import ApplicationError
from tests.factories import CampaignFactory, CouponFactory, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def checkout(learner, course, code: str) -> Order:
    return course_services.order_checkout(learner=learner, course=course, context={"coupon_code": code})[0]


@pytest.mark.parametrize(
    ("kind", "value", "amount"), [("percent", "20", "80.00"), ("fixed", "30", "70.00"), ("fixed", "500", "0.00")]
)
def test_coupon_prices_the_order(learner, kind, value, amount):
    course = CourseFactory(price=Decimal("100.00"))
    order = checkout(learner, course, CouponFactory(code="SPRING", kind=kind, value=Decimal(value)).code)
    assert (order.list_price, order.amount) == (Decimal("100.00"), Decimal(amount))


def test_unknown_or_out_of_scope_coupon_is_refused_at_checkout(learner):
    course = CourseFactory()
    with pytest.raises(ApplicationError) as unknown:
        checkout(learner, course, "NOPE")
    campaign = CampaignFactory()
    with pytest.raises(ApplicationError) as scope:
        checkout(learner, course, CouponFactory(campaign=campaign).code)
    assert (unknown.value.code, scope.value.code) == ("coupon_unknown", "coupon_not_applicable")
    assert not Order.objects.exists()


def test_campaign_coupon_applies_to_the_campaign_courses(learner):
    campaign = CampaignFactory()
    order = checkout(learner, campaign.art_courses.get(), CouponFactory(campaign=campaign).code)
    assert order.discount == Decimal("60.00")


def test_coupon_that_expired_after_checkout_is_refused_when_paying(learner):
    coupon = CouponFactory()
    order = checkout(learner, CourseFactory(), coupon.code)
    Coupon.objects.filter(pk=coupon.pk).update(valid_until=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ApplicationError) as error:
        course_services.payment_start(order=order)

    assert error.value.code == "coupon_expired"
    assert CouponRedemption.objects.get(order=order).status == "applied"


def test_coupon_used_up_between_checkout_and_payment_is_refused(learner, other_learner):
    coupon = CouponFactory(total_cap=1)
    course = CourseFactory()
    first, second = checkout(learner, course, coupon.code), checkout(other_learner, course, coupon.code)
    course_services.payment_start(order=first)

    with pytest.raises(ApplicationError) as error:
        course_services.payment_start(order=second)
    assert error.value.code == "coupon_used_up"


def test_learner_cap_counts_across_courses(learner):
    coupon = CouponFactory(per_learner_cap=1)
    course_services.payment_start(order=checkout(learner, CourseFactory(), coupon.code))
    with pytest.raises(ApplicationError) as error:
        checkout(learner, CourseFactory(), coupon.code)
    assert error.value.code == "coupon_used_up"


def test_cancelled_order_gives_its_coupon_use_back(learner, other_learner):
    coupon = CouponFactory(total_cap=1)
    course = CourseFactory()
    order = checkout(learner, course, coupon.code)
    course_services.payment_start(order=order)
    course_services.order_cancel(order=order)

    course_services.payment_start(order=checkout(other_learner, course, coupon.code))

    assert CouponRedemption.objects.filter(status="redeemed").count() == 1


def test_the_page_says_why_a_coupon_is_refused(client, learner):
    course = CourseFactory()
    client.force_login(learner)
    response = client.post(
        reverse("courses:buy", args=[course.slug]), {"checkout_key": "a", "coupon": "NOPE"}, follow=True
    )
    assert "没有这个优惠码" in response.content.decode() or "There is no coupon" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_parallel_redemptions_of_a_coupon_capped_at_fifty_give_fifty():
    coupon = CouponFactory(total_cap=50, per_learner_cap=1)
    course = CourseFactory()
    orders = [checkout(UserFactory(), course, coupon.code) for _ in range(200)]

    def redeem(order: Order) -> bool:
        try:
            course_services.payment_start(order=order)
            return True
        except ApplicationError:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(redeem, orders))

    assert sum(results) == 50
    assert CouponRedemption.objects.filter(coupon=coupon, status="redeemed").count() == 50


def test_the_second_course_of_a_campaign_pair_costs_the_bundle_price_once(learner):
    from marketing.models import BundlePurchase
    from tests.factories import CourseFactory as Courses

    campaign = CampaignFactory(bundle_price=Decimal("320.00"))  # knowledge 100.00 + art 300.00 = 400.00
    second_art = Courses(track="art", price=Decimal("300.00"))
    campaign.art_courses.add(second_art)
    knowledge = course_services.order_checkout(learner=learner, course=campaign.knowledge_courses.get())[0]
    Order.objects.filter(pk=knowledge.pk).update(status="paid")

    art = course_services.order_checkout(learner=learner, course=campaign.art_courses.exclude(pk=second_art.pk).get())[
        0
    ]
    Order.objects.filter(pk=art.pk).update(status="paid")
    again = course_services.order_checkout(learner=learner, course=second_art)[0]

    assert (art.amount, art.discount) == (Decimal("220.00"), Decimal("80.00"))  # 100 + 220 = 320
    assert again.discount == 0  # the knowledge course already paired once
    assert BundlePurchase.objects.get().second_order == art


def test_a_typed_coupon_is_used_instead_of_the_bundle_price(learner):
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))
    knowledge = course_services.order_checkout(learner=learner, course=campaign.knowledge_courses.get())[0]
    Order.objects.filter(pk=knowledge.pk).update(status="paid")
    order = checkout(learner, campaign.art_courses.get(), CouponFactory(value=10).code)
    assert order.discount == Decimal("30.00")


def test_the_sandbox_gateway_does_not_charge_an_order_whose_coupon_ran_out(client, learner, other_learner):
    coupon = CouponFactory(total_cap=1)
    course = CourseFactory()
    first, refused = checkout(other_learner, course, coupon.code), checkout(learner, course, coupon.code)
    course_services.payment_start(order=first)
    client.force_login(learner)

    page = client.post(reverse("courses:sandbox-gateway", args=[refused.number]), {"action": "pay"}, follow=True)

    assert page.redirect_chain[-1][0] == reverse("courses:my-learning")
    assert "该优惠码已被用完" in page.content.decode()
    assert Order.objects.get(pk=refused.pk).status == "pending"


def test_a_callback_for_an_order_whose_coupon_ran_out_is_refused_and_cancels_it(client, learner, other_learner):
    from courses.payments.sandbox import SandboxProvider

    coupon = CouponFactory(total_cap=1)
    course = CourseFactory()
    first, refused = checkout(other_learner, course, coupon.code), checkout(learner, course, coupon.code)
    course_services.payment_start(order=first)

    response = client.post(reverse("courses:sandbox-notify"), SandboxProvider().charge(refused))

    assert (response.status_code, response.json()["code"], response.json()["extra"]) == (
        400,
        "payment_refused",
        {"reason": "coupon_used_up"},
    )
    refused.refresh_from_db()
    assert (refused.status, hasattr(refused, "payment")) == ("cancelled", False)
    assert CouponRedemption.objects.get(order=refused).status == "released"


def test_a_callback_for_an_order_that_never_started_payment_secures_its_coupon_use(client, learner):
    from courses.payments.sandbox import SandboxProvider

    coupon = CouponFactory(total_cap=1)
    order = checkout(learner, CourseFactory(), coupon.code)

    assert client.post(reverse("courses:sandbox-notify"), SandboxProvider().charge(order)).status_code == 200
    assert CouponRedemption.objects.get(order=order).status == "redeemed"


def test_securing_an_order_s_last_coupon_use_twice_does_not_refuse_it(learner):
    coupon = CouponFactory(total_cap=1)
    order = checkout(learner, CourseFactory(), coupon.code)
    course_services.payment_start(order=order)

    course_services.payment_start(order=order)  # the pay button pressed again

    assert CouponRedemption.objects.get(order=order).status == "redeemed"


def test_a_stale_pay_click_does_not_take_back_the_coupon_use_of_an_expired_order(learner, other_learner):
    coupon = CouponFactory(total_cap=1)
    course = CourseFactory()
    stale = checkout(learner, course, coupon.code)
    Order.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=1))
    course_services.order_expire_stale()

    with pytest.raises(ApplicationError):
        course_services.payment_start(order=stale)  # the page was loaded before it expired

    course_services.payment_start(order=checkout(other_learner, course, coupon.code))
    assert CouponRedemption.objects.filter(status="redeemed").count() == 1
