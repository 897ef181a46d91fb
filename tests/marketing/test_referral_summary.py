from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketing import selectors, services
from marketing.models import OrderAttribution
from tests.factories import ChannelFactory, CourseFactory, OrderFactory

pytestmark = pytest.mark.django_db


def credit(order, campaign, referrer) -> None:
    now = timezone.now()
    OrderAttribution.objects.create(
        order=order, last_campaign=campaign, first_touched_at=now, last_touched_at=now, referrer=referrer
    )


def test_the_referrer_earns_the_paid_orders_through_their_link_totalled_per_currency(learner, other_learner):
    campaign = ChannelFactory().campaign
    services.referral_link_for(learner=learner, campaign=campaign)
    credit(OrderFactory(learner=other_learner, course=campaign.art_courses.get(), status="paid"), campaign, learner)
    credit(
        OrderFactory(learner=other_learner, course=campaign.knowledge_courses.get(), status="paid"), campaign, learner
    )
    usd = CourseFactory(price=Decimal("20.00"), currency="USD")
    credit(OrderFactory(learner=other_learner, course=usd, status="paid"), campaign, learner)
    credit(OrderFactory(learner=other_learner, course=CourseFactory(), status="refunded"), campaign, learner)
    summary = selectors.referral_summary(learner=learner)
    assert len(summary.credits) == 3
    assert summary.totals == [("CNY", Decimal("400.00")), ("USD", Decimal("20.00"))]


def test_my_learning_gives_the_referral_link_copy_and_share_buttons_and_what_it_earns(
    client, learner, other_learner, django_assert_max_num_queries
):
    campaign = ChannelFactory().campaign
    link = services.referral_link_for(learner=learner, campaign=campaign)
    credit(OrderFactory(learner=other_learner, course=campaign.art_courses.get(), status="paid"), campaign, learner)
    client.force_login(learner)
    # 12: the page's own queries and the "for you" row (survey answers, progress, skills).
    with django_assert_max_num_queries(12):
        page = client.get(reverse("courses:my-learning")).content.decode()
    section = page.split('data-testid="referrals"')[1].split("</section>")[0]
    # Without script the link is a visible, selectable field; the script adds the buttons it hides.
    assert f'readonly value="http://testserver/r/{link.code}/"' in section
    assert 'data-testid="copy-link"' in section and 'data-testid="share-sheet"' in section
    assert "计入你的推荐" in section  # the rule: paid orders through the link are credited to you
    assert "<strong>300.00 CNY</strong>" in section
    assert "js/share.js" in page and "<script>" not in page
