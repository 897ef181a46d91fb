from decimal import Decimal

import pytest
from django.utils import timezone

from marketing import selectors, services
from marketing.models import CampaignScore, OrderAttribution
from surveys.models import Response
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    OrderFactory,
    SurveyFactory,
    TrackedLinkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(settings):
    settings.SCORES_MIN_RESPONDENTS = 4
    settings.SCORES_MIN_VISITORS = 10
    campaign = CampaignFactory()
    tracked = ChannelFactory(campaign=campaign, kind="content_cooperation")
    offline = ChannelFactory(campaign=campaign, kind="joint_event", manual_effect=Decimal("1.5"))
    survey = SurveyFactory(campaign=campaign)
    for i, (k, a) in enumerate([(True, True), (True, False), (False, True), (False, False), (True, False)]):
        Response.objects.create(
            survey=survey, campaign=campaign, idempotency_key=f"r{i}", wants_knowledge=k, wants_art=a
        )
    link, offline_link = TrackedLinkFactory(channel=tracked), TrackedLinkFactory(channel=offline)
    for i in range(10):
        services.visit_record(link=link, visitor=f"t{i}", user_agent="Mozilla/5.0")
        services.visit_record(link=offline_link, visitor=f"o{i}", user_agent="Mozilla/5.0")
    knowledge, art = campaign.knowledge_courses.get(), campaign.art_courses.get()
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    now = timezone.now()
    for learner, course, status, channel in [
        (first, knowledge, "paid", tracked), (second, knowledge, "paid", tracked),
        (second, art, "paid", tracked), (third, art, "refunded", offline),
    ]:  # fmt: skip
        order = OrderFactory(learner=learner, course=course, status=status)
        OrderAttribution.objects.create(
            order=order, last_campaign=campaign, last_channel=channel, first_touched_at=now, last_touched_at=now
        )
    return campaign


def test_inputs_and_scores_match_a_hand_count(campaign):
    result = services.campaign_scores_compute(selectors.campaign_score_counts()[campaign.pk])

    assert (result["respondents"], result["visitors"]) == (5, 20)
    assert (result["d_k"], result["d_a"]) == (0.6, 0.4)
    assert result["f"] == pytest.approx(0.76)  # 0.6 + 0.4 - 0.24
    assert result["observed_demand"] == 0.8  # 4 of 5 want at least one
    assert (result["r_k"], result["r_a"]) == (0.1, 0.05)  # 2 and 1 buyers of 20 reached
    assert result["g"] == pytest.approx(0.145)
    assert result["observed_buyers"] == 0.1  # two distinct buyers
    assert result["e"] == pytest.approx(31.5)  # 3 orders per 10 reached x 100, plus the manual 1.5
    assert result["h"] == pytest.approx(31.5 + 31.5**2)
    assert (result["revenue_knowledge"], result["revenue_art"], result["manual_channels"]) == (
        Decimal("200.00"), Decimal("300.00"), 1)  # fmt: skip


def test_too_few_respondents_or_visitors_read_not_enough_data(campaign, settings):
    settings.SCORES_MIN_RESPONDENTS = 6
    settings.SCORES_MIN_VISITORS = 21
    result = services.campaign_scores_compute(selectors.campaign_score_counts()[campaign.pk])
    assert (result["f"], result["g"]) == (None, None)
    assert result["h"] == pytest.approx(1.5 + 1.5**2)  # the manual effect alone is still an input


def test_refresh_keeps_a_history_and_the_queries_do_not_grow(campaign, django_assert_max_num_queries):
    services.campaign_scores_refresh()
    for _ in range(5):
        CampaignFactory()
    # campaigns, responses, reach, reach by channel, buyers by side, buyers, orders by channel, channels, insert
    with django_assert_max_num_queries(9):
        assert services.campaign_scores_refresh() == 6
    assert CampaignScore.objects.filter(campaign=campaign).count() == 2


def test_scores_api_current_history_and_ranking(as_user, campaign):
    services.campaign_scores_refresh()
    other = CampaignFactory()
    services.campaign_scores_refresh(campaign_ids=[other.pk])

    body = as_user("manager").get(f"/api/v1/marketing/campaigns/{campaign.slug}/scores/").json()
    ranking = as_user("manager").get("/api/v1/marketing/scores/ranking/", {"by": "g"}).json()["results"]

    assert body["current"]["f"] == pytest.approx(0.76) and len(body["history"]) == 1
    assert [row["campaign"] for row in ranking] == [campaign.slug, other.slug]  # no data ranks last
    assert as_user("learner_a").get("/api/v1/marketing/scores/ranking/").status_code == 403
    assert as_user("manager").get("/api/v1/marketing/scores/ranking/", {"by": "x"}).status_code == 400


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"d_k": 0.5, "d_a": 0.3}, {"f": 0.65}),
        ({"r_k": 0.6, "r_a": 0.4, "e": 10}, {"g": 0.76, "h": 110}),
        ({"d_k": 0.5, "d_a": 0.3, "r_k": 0.6, "r_a": 0.4, "e": 0}, {"f": 0.65, "g": 0.76, "h": 0}),
    ],
)
def test_public_calculator(api_client, payload, expected):
    response = api_client.post("/api/v1/marketing/scores/calculate/", payload, format="json")
    assert response.status_code == 200
    assert response.json() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"d_k": 50, "d_a": 30}, {"d_k", "d_a"}),
        ({"d_k": 0.5}, {"d_a"}),
        ({"e": -1}, {"e"}),
        ({"r_k": "lots", "r_a": 0.2}, {"r_k"}),
        ({}, {"non_field_errors"}),
    ],
)
def test_calculator_rejects_bad_input_per_field(api_client, payload, fields):
    response = api_client.post("/api/v1/marketing/scores/calculate/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == fields
