from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Order
from marketing import selectors, services
from marketing.models import CampaignStats, LearnerAttribution, OrderAttribution
from partners.ledger import ledger_post_refund, ledger_post_sale
from tests.factories import CampaignFactory, ChannelFactory, OrderFactory, TrackedLinkFactory, UserFactory

pytestmark = pytest.mark.django_db
AGENT = "Mozilla/5.0"


def attribute(order: Order, channel) -> None:
    now = timezone.now()
    OrderAttribution.objects.create(
        order=order, first_campaign=channel.campaign, first_channel=channel, last_campaign=channel.campaign,
        last_channel=channel, first_touched_at=now, last_touched_at=now,
    )  # fmt: skip
    # What the payment flow does (the split on the dashboard is the ledger's).
    if order.status in ("paid", "refunded"):
        ledger_post_sale(order=order)
    if order.status == "refunded":
        ledger_post_refund(order=order)


@pytest.fixture
def campaign_with_results():
    campaign = CampaignFactory()
    event = ChannelFactory(campaign=campaign, kind="joint_event", cost=Decimal("500"))
    content = ChannelFactory(campaign=campaign, kind="content_cooperation", cost=Decimal("200"))
    event_link, content_link = TrackedLinkFactory(channel=event), TrackedLinkFactory(channel=content)
    for visitor in ("v1", "v2", "v3"):
        services.visit_record(link=event_link, visitor=visitor, user_agent=AGENT)
    for visitor in ("v4", "v1"):
        services.visit_record(link=content_link, visitor=visitor, user_agent=AGENT)
    now = timezone.now()
    for signed_up in (True, True, False):
        LearnerAttribution.objects.create(
            learner=UserFactory(), first_campaign=campaign, first_channel=event, last_campaign=campaign,
            last_channel=event, first_touched_at=now, last_touched_at=now, signed_up=signed_up,
        )  # fmt: skip
    knowledge, art = campaign.knowledge_courses.get(), campaign.art_courses.get()
    attribute(OrderFactory(course=knowledge, status="paid"), event)
    attribute(OrderFactory(course=art, status="paid"), event)
    attribute(OrderFactory(course=art, status="refunded"), content)
    attribute(OrderFactory(course=art, status="pending"), content)
    return campaign, event, content


def test_campaign_figures_match_a_hand_count(campaign_with_results):
    campaign, event, content = campaign_with_results

    stats = selectors.campaign_stats()[campaign.pk]

    assert (stats["reach"], stats["signups"], stats["orders"]) == (4, 2, 2)
    assert stats["revenue"] == {"knowledge": "100.00", "art": "300.00", "other": "0.00", "total": "400.00"}
    assert stats["refunds"] == {"count": 1, "amount": "300.00"}
    assert (stats["cost"], stats["conversion_rate"], stats["revenue_per_visitor"]) == ("700.00", 0.5, "100.00")
    assert [(row["side"], row["amount"]) for row in stats["split"]] == [("knowledge", "240.00"), ("art", "160.00")]
    channels = {row["channel"]: row for row in stats["channels"]}
    assert (channels[event.pk]["reach"], channels[event.pk]["signups"], channels[event.pk]["orders"]) == (3, 2, 2)
    assert channels[event.pk]["revenue"] == "400.00"
    assert (channels[content.pk]["reach"], channels[content.pk]["orders"], channels[content.pk]["refunds"]) == (2, 0, 1)


def test_a_refund_takes_revenue_back(campaign_with_results):
    campaign, event, _ = campaign_with_results
    Order.objects.filter(attribution__last_channel=event, course__in=campaign.art_courses.all()).update(
        status="refunded"
    )

    stats = selectors.campaign_stats()[campaign.pk]

    assert stats["revenue"]["total"] == "100.00"
    assert stats["refunds"]["count"] == 2


def test_stats_queries_do_not_grow_with_campaigns(django_assert_max_num_queries, campaign_with_results):
    # campaigns, channels, reach by channel, reach, sign-ups, orders, partner shares, the ledger's split
    with django_assert_max_num_queries(8):
        selectors.campaign_stats()
    for _ in range(4):
        campaign = CampaignFactory()
        TrackedLinkFactory(channel=ChannelFactory(campaign=campaign))
    with django_assert_max_num_queries(8):
        assert len(selectors.campaign_stats()) == 5


def test_refresh_stores_a_snapshot_per_campaign(campaign_with_results):
    campaign, _, _ = campaign_with_results
    assert services.campaign_stats_refresh() == 1
    assert services.campaign_stats_refresh() == 1  # updates in place
    assert CampaignStats.objects.get(campaign=campaign).data["orders"] == 2
