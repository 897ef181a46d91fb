from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import Order
from marketing import services
from tests.factories import CampaignFactory, CourseFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_a_pair_costs_the_bundle_price_together_against_both_list_prices():
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))  # 100.00 + 300.00 separately
    [pair] = services.bundle_pairs(campaign=campaign)
    assert (pair.separate, pair.together, pair.saving, pair.currency) == (
        Decimal("400.00"),
        Decimal("320.00"),
        Decimal("80.00"),
        "CNY",
    )


def test_the_page_saving_is_what_checkout_takes_off_the_second_course(learner):
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))
    knowledge, art = campaign.knowledge_courses.get(), campaign.art_courses.get()
    OrderFactory(learner=learner, course=knowledge, status=Order.Status.PAID)
    [pair] = services.bundle_pairs(campaign=campaign)
    offer = services.bundle_offer(learner=learner, course=art)
    assert offer is not None and offer.discount == pair.saving


def test_pairs_that_save_nothing_or_mix_currencies_are_not_offered():
    campaign = CampaignFactory(bundle_price=Decimal("500.00"))  # dearer than both together
    campaign.art_courses.add(CourseFactory(track="art", price=Decimal("900.00"), currency="USD"))
    assert services.bundle_pairs(campaign=campaign) == []
    campaign.bundle_price = None
    assert services.bundle_pairs(campaign=campaign) == []


def test_the_campaign_page_shows_the_bundle_against_the_separate_prices(client, django_assert_max_num_queries):
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))
    campaign.art_courses.add(CourseFactory(track="art", price=Decimal("250.00")))
    url = reverse("marketing:campaign", args=[campaign.slug])
    # the campaign, its partners (2), both sides with their partners (4), channels, coupons, surveys:
    # no query per course or per pair
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count('data-testid="bundle-pair"') == 2
    assert "<s>400.00 CNY</s>" in page and "<strong>320.00 CNY</strong>" in page and "80.00 CNY" in page
    assert "<s>350.00 CNY</s>" in page and "30.00 CNY" in page
    assert "分开购买" in page  # the table's heading, in the page's language
