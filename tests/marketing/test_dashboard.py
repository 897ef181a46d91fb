"""The campaign dashboard a course manager reads: fresh, localised, drawn."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.models import Order
from courses.payments.sandbox import SandboxProvider
from marketing import services
from marketing.models import CampaignScore, CampaignStats
from tests.factories import ChannelFactory

pytestmark = pytest.mark.django_db


def dashboard(client, campaign) -> str:
    return client.get(reverse("admin:marketing_campaign_dashboard", args=[campaign.pk])).content.decode()


def kpi(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}">')[1].split("<")[0]


def buy_through_the_campaign(client, learner, campaign, captured) -> Order:
    link = services.referral_link_for(learner=learner, campaign=campaign)
    client.get(f"/r/{link.code}/", HTTP_USER_AGENT="Mozilla/5.0")
    client.force_login(learner)
    client.post(reverse("courses:buy", args=[campaign.art_courses.get().slug]), {"checkout_key": "k"})
    order = learner.orders.get()
    with captured(execute=True):
        course_services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    return order


def test_headline_figures_count_an_order_as_soon_as_it_is_paid(
    client, manager, other_learner, django_capture_on_commit_callbacks
):
    campaign = ChannelFactory().campaign
    services.campaign_stats_refresh()  # the periodic snapshot, taken before the order
    buy_through_the_campaign(client, other_learner, campaign, django_capture_on_commit_callbacks)
    client.force_login(manager)
    assert kpi(dashboard(client, campaign), "orders") == "1"


def test_a_refund_leaves_the_headline_figures_at_once(
    client, manager, other_learner, django_capture_on_commit_callbacks
):
    campaign = ChannelFactory().campaign
    order = buy_through_the_campaign(client, other_learner, campaign, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.order_refund(order=order)
    assert CampaignStats.objects.get(campaign=campaign).data["orders"] == 0


def test_a_campaign_without_a_snapshot_shows_figures_computed_on_open(client, manager):
    campaign = ChannelFactory().campaign
    client.force_login(manager)
    assert 'data-testid="kpis"' in dashboard(client, campaign)


def test_the_chinese_dashboard_shows_labels_percentages_and_currency(client, manager):
    channel = ChannelFactory(kind="joint_event")
    services.campaign_stats_refresh()
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    page = dashboard(client, channel.campaign)
    assert "联名活动" in page
    for raw in ("joint_event", ">reach:", "knowledge<", "0.0000"):
        assert raw not in page
    assert "0.0%" in page and "¥0.00" in page


def test_the_scores_chart_draws_each_snapshot(client, manager):
    campaign = ChannelFactory().campaign
    now = timezone.now()
    for hours, (f, g) in enumerate([(0.2, 0.1), (0.4, 0.3), (0.5, 0.6)]):
        CampaignScore.objects.create(
            campaign=campaign, computed_at=now - timedelta(hours=3 - hours), f=f, g=g, respondents=0, visitors=0
        )
    client.force_login(manager)
    chart = dashboard(client, campaign).split('data-testid="scores-chart"')[1].split("</figure>")[0]
    assert chart.count("<circle") == 6  # three snapshots of f and g
    assert "<script" not in chart  # drawn on the server: nothing for a content security policy to block


def test_exports_open_in_a_chinese_spreadsheet(client, manager, other_learner, django_capture_on_commit_callbacks):
    campaign = ChannelFactory().campaign
    order = buy_through_the_campaign(client, other_learner, campaign, django_capture_on_commit_callbacks)
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    bodies = {
        name: b"".join(
            client.get(reverse(f"admin:marketing_campaign_{name}_csv", args=[campaign.pk])).streaming_content
        ).decode("utf-8")
        for name in ("orders", "split")
    }
    assert all(body.startswith("\ufeff") for body in bodies.values())
    rows = list(csv.reader(io.StringIO(bodies["orders"].removeprefix("\ufeff"))))
    order.refresh_from_db()
    assert rows[1][2] == order.course.title_zh
    assert rows[1][9] == timezone.localtime(order.paid_at).strftime("%Y-%m-%d %H:%M:%S")
    assert rows[0][0] == "订单"  # headers in the manager's language
    assert order.course.slug not in bodies["orders"]
