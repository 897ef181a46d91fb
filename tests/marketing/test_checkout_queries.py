"""Checkout pricing and order expiry cost a fixed number of queries, and record what was priced."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from courses import services as course_services
from courses.models import Order
from marketing import services
from marketing.models import BundlePurchase, CouponRedemption
from tests.factories import CampaignFactory, CouponFactory, CourseFactory

pytestmark = pytest.mark.django_db


def test_a_bundle_offer_is_one_query_whatever_the_running_campaigns(learner, django_assert_max_num_queries):
    knowledge = CourseFactory(price=Decimal("100.00"))
    art = CourseFactory(track="art", price=Decimal("300.00"))
    for price in ("350.00", "320.00", "390.00", "380.00", "399.00"):
        campaign = CampaignFactory(bundle_price=Decimal(price))
        campaign.knowledge_courses.add(knowledge)
        campaign.art_courses.add(art)
    best = CampaignFactory(bundle_price=Decimal("320.00"))
    best.knowledge_courses.set([knowledge])
    best.art_courses.set([art])
    paid = Order.objects.create(learner=learner, course=knowledge, list_price=100, amount=100, status="paid",
                                provider="sandbox")  # fmt: skip

    with django_assert_max_num_queries(1):
        offer = services.bundle_offer(learner=learner, course=art)

    assert (offer.paired_order_id, offer.discount) == (paid.pk, Decimal("80.00"))


def test_checkout_records_the_bundle_it_priced(learner):
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))
    knowledge = course_services.order_checkout(learner=learner, course=campaign.knowledge_courses.get())[0]
    Order.objects.filter(pk=knowledge.pk).update(status="paid")

    order, _ = course_services.order_checkout(learner=learner, course=campaign.art_courses.get())

    bundle = BundlePurchase.objects.get()
    assert (bundle.campaign, bundle.first_order, bundle.second_order) == (campaign, knowledge, order)
    assert order.amount == campaign.bundle_price - knowledge.amount


def test_expiring_a_thousand_stale_orders_costs_a_few_queries(settings, django_assert_max_num_queries):
    settings.ORDER_PENDING_TTL_MINUTES = 30
    courses = [CourseFactory() for _ in range(5)]
    learners = User.objects.bulk_create(User(username=f"stale{i}", email=f"s{i}@example.com") for i in range(200))
    orders = Order.objects.bulk_create(
        Order(learner=learner, course=course, list_price=course.price, amount=course.price, provider="sandbox")
        for learner in learners
        for course in courses
    )
    Order.objects.update(created_at=timezone.now() - timedelta(hours=1))
    coupon = CouponFactory()
    CouponRedemption.objects.bulk_create(
        CouponRedemption(coupon=coupon, order=order, learner_id=order.learner_id, discount=1) for order in orders
    )

    with django_assert_max_num_queries(8):  # select the batch, cancel it, release coupons, bundles, savepoints
        expired = course_services.order_expire_stale()

    assert expired == 1000
    assert not Order.objects.filter(status="pending").exists()
    assert not CouponRedemption.objects.exclude(status="released").exists()
