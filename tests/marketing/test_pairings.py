"""The tag bridge: each knowledge × art pair's score is the sum of its named, weighted factors;
managers read the best pairs (filtered by partner and track) and turn one into a draft campaign."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from marketing import pairings, services
from marketing.models import Campaign, CampaignScore, CoursePairing
from ml.models import CourseSkill, ModelVersion, SkillTerm
from platform_site.exceptions import ApplicationError
from surveys.models import Response
from tests.factories import CampaignFactory, CourseFactory, OrderFactory, PartnerFactory, SurveyFactory, UserFactory
from tests.ml.test_recommendations import MODEL, _store

pytestmark = pytest.mark.django_db


@pytest.fixture
def bridge(settings, django_capture_on_commit_callbacks):
    """Two knowledge and two art courses of two partners, embedded, tagged, bought and surveyed."""
    settings.ML_EMBEDDING_MODEL = MODEL
    settings.RECOMMEND_MIN_SUPPORT = 2
    settings.SCORES_MIN_RESPONDENTS = 2
    academy = PartnerFactory(slug="academy", kind="knowledge_platform")
    school = PartnerFactory(slug="school", kind="art_institution")
    studio = PartnerFactory(slug="studio", kind="art_institution")
    courses = {
        "data": CourseFactory(status="published", track="knowledge", slug="data", price=Decimal("199.00")),
        "colour": CourseFactory(status="published", track="knowledge", slug="colour", price=Decimal("99.00")),
        "watercolour": CourseFactory(status="published", track="art", slug="watercolour", price=Decimal("259.00")),
        "piano": CourseFactory(status="published", track="art", slug="piano", price=Decimal("329.00")),
    }
    for slug in ("data", "colour"):
        courses[slug].partners.set([academy])
    courses["watercolour"].partners.set([school])
    courses["piano"].partners.set([studio])
    vectors = {"data": [1, 0.2, 0], "colour": [0.2, 1, 0], "watercolour": [0.3, 1, 0.2], "piano": [0.1, 0, 1]}
    with django_capture_on_commit_callbacks(execute=True):
        for name, course in courses.items():
            _store(course, vectors[name])
    version = ModelVersion.objects.create(name="v", base_model="m", is_active=True, labels=[])
    SkillTerm.objects.create(name="色彩理论", type="KNOWLEDGE", aliases="colour theory\ncolor theory")
    for slug, skills in {
        "colour": [("colour theory", "KNOWLEDGE"), ("design", "KNOWLEDGE")],
        "watercolour": [("色彩理论", "KNOWLEDGE"), ("水彩", "ART")],
        "data": [("数据分析", "KNOWLEDGE")],
        "piano": [("钢琴", "ART")],
    }.items():
        for text, kind in skills:
            CourseSkill.objects.create(
                course=courses[slug], model_version=version, start=0, end=len(text), text=text, type=kind,
                confidence=0.9,
            )  # fmt: skip
    survey = SurveyFactory()
    for wants_k, wants_a in [(True, True), (True, False), (False, True)]:
        learner = UserFactory()
        OrderFactory(learner=learner, course=courses["colour"], status="paid")
        OrderFactory(learner=learner, course=courses["watercolour"], status="paid")
        Response.objects.create(
            survey=survey, respondent=learner, respondent_scope=f"user:{learner.pk}", idempotency_key="k",
            wants_knowledge=wants_k, wants_art=wants_a,
        )  # fmt: skip
    OrderFactory(learner=UserFactory(), course=courses["data"], status="paid")
    return courses


def _pair(knowledge, art):
    return CoursePairing.objects.get(knowledge=knowledge, art=art)


def test_every_pair_is_scored_and_its_weighted_parts_add_up_to_the_score(bridge):
    assert services.course_pairings_refresh() == 4
    for pairing in CoursePairing.objects.all():
        assert set(pairing.factors) == set(pairings.FACTORS)
        parts = [f["part"] for f in pairing.factors.values()]
        assert pairing.score == pytest.approx(sum(parts), abs=1e-9)
        for factor in pairing.factors.values():
            assert 0 <= factor["value"] <= 1
            assert factor["part"] == pytest.approx(factor["weight"] * factor["value"], abs=1e-6)


def test_the_pair_that_shares_skills_sells_together_and_is_wanted_comes_first(bridge):
    services.course_pairings_refresh()
    best = CoursePairing.objects.order_by("-score").first()
    assert (best.knowledge.slug, best.art.slug) == ("colour", "watercolour")
    # "colour theory" and "色彩理论" are one skill through the lexicon's aliases.
    assert best.details["shared_skills"] == ["色彩理论"]
    assert best.details["complementary_skills"] == ["design", "水彩"]
    assert best.value("shared_skills") == pytest.approx(1 / 3, abs=1e-4)
    assert best.value("complementary_skills") == pytest.approx(2 / 3, abs=1e-4)
    # 3 learners bought both, of 3 buyers each among 4 learners: lift 4/3.
    assert best.details["lift"] == pytest.approx(4 / 3)
    assert best.value("co_purchase") == pytest.approx(0.25, abs=1e-4)
    # Dk = 2/3, Da = 2/3 of the 3 respondents: f = 2/3 + 2/3 - 4/9 = 8/9.
    assert best.details["respondents"] == 3
    assert best.details["f"] == pytest.approx(8 / 9, abs=1e-4)
    assert best.value("demand") == pytest.approx(8 / 9, abs=1e-4)
    other = _pair(bridge["data"], bridge["piano"])
    assert other.value("co_purchase") == 0 and other.details["f"] is None and other.value("demand") == 0


def test_a_past_campaign_of_similar_courses_lends_its_g_and_h(bridge, settings):
    settings.PAIRING_CAMPAIGN_MIN_SIMILARITY = 0.9
    campaign = CampaignFactory(status="ended")
    knowledge, art = campaign.knowledge_courses.get(), campaign.art_courses.get()
    with pytest.MonkeyPatch.context():
        _store(knowledge, [0.2, 1, 0])  # like "colour"
        _store(art, [0.3, 1, 0.2])  # like "watercolour"
    CampaignScore.objects.create(campaign=campaign, computed_at=timezone.now(), respondents=0, visitors=0, g=0.5, h=3.0)
    services.course_pairings_refresh()
    pairing = _pair(bridge["colour"], bridge["watercolour"])
    assert pairing.details["campaign"]["slug"] == campaign.slug
    s = pairing.details["campaign"]["similarity"]
    assert s == pytest.approx(1.0, abs=1e-4)
    assert pairing.value("revenue") == pytest.approx(0.5, abs=1e-4)
    assert pairing.value("promotion") == pytest.approx(0.75, abs=1e-4)  # h/(1+h) = 3/4
    assert _pair(bridge["data"], bridge["piano"]).details["campaign"] is None


def test_refresh_is_idempotent_and_drops_pairs_of_unpublished_courses(bridge):
    services.course_pairings_refresh()
    first = {(p.knowledge_id, p.art_id): (p.score, p.factors) for p in CoursePairing.objects.all()}
    services.course_pairings_refresh()
    assert {(p.knowledge_id, p.art_id): (p.score, p.factors) for p in CoursePairing.objects.all()} == first
    bridge["piano"].status = "archived"
    bridge["piano"].save()
    services.course_pairings_refresh(course_ids=[bridge["piano"].pk])
    assert not CoursePairing.objects.filter(art=bridge["piano"]).exists()
    assert CoursePairing.objects.count() == 2


def test_each_course_keeps_only_its_best_pairs(bridge):
    services.course_pairings_refresh()
    kept = pairings.pairing_scores(per_course=1)
    # colour's best and watercolour's best are one pair; data's best; piano's best.
    pairs = {(p.knowledge_id, p.art_id) for p in kept}
    assert (bridge["colour"].pk, bridge["watercolour"].pk) in pairs
    assert len(pairs) <= 4 and {p.knowledge_id for p in kept} == {bridge["colour"].pk, bridge["data"].pk}


def test_a_changed_courses_refresh_keeps_every_other_courses_best_pairs_exact(
    bridge, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pairings, "PAIRINGS_PER_COURSE", 1)
    settings.PAIRING_WEIGHTS = {"text": 1.0}  # the embeddings alone decide
    services.course_pairings_refresh()
    before = set(CoursePairing.objects.values_list("knowledge_id", "art_id"))
    with django_capture_on_commit_callbacks(execute=True):
        _store(bridge["piano"], [1, 0.25, 0.05])  # piano now reads like data: data's best

    services.course_pairings_refresh(course_ids=[bridge["piano"].pk])
    targeted = set(CoursePairing.objects.values_list("knowledge_id", "art_id"))
    services.course_pairings_refresh()

    assert targeted == set(CoursePairing.objects.values_list("knowledge_id", "art_id"))
    # The case that matters happened: data's old best (watercolour, whose own best is colour) left.
    assert (
        before - targeted
        == {(bridge["data"].pk, bridge["watercolour"].pk), (bridge["data"].pk, bridge["piano"].pk)} - targeted
    )


# ------------------------------------------------------------------------------ API
API = "/api/v1/marketing/pairings/"


@pytest.fixture
def scored(bridge):
    services.course_pairings_refresh()
    return bridge


def _pairs(body):
    return [(row["knowledge"]["slug"], row["art"]["slug"]) for row in body["results"]]


def test_the_api_is_for_managers_only(as_user, scored, api_client):
    assert api_client.get(API).status_code == 401
    assert as_user("learner_a").get(API).status_code == 403
    body = as_user("manager").get(API).json()
    assert body["count"] == 4
    first = body["results"][0]
    assert (first["knowledge"]["slug"], first["art"]["slug"]) == ("colour", "watercolour")
    assert first["score"] == pytest.approx(sum(f["part"] for f in first["factors"].values()), abs=1e-9)
    assert first["details"]["shared_skills"] == ["色彩理论"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("partner=studio", {("colour", "piano"), ("data", "piano")}),
        ("partner=studio&track=knowledge", set()),
        (
            "partner=academy&track=knowledge",
            {("colour", "watercolour"), ("colour", "piano"), ("data", "watercolour"), ("data", "piano")},
        ),
        ("partner=school&track=art", {("colour", "watercolour"), ("data", "watercolour")}),
        ("partner=nobody", set()),
    ],
)
def test_the_api_filters_by_partner_and_track(as_user, scored, query, expected):
    assert set(_pairs(as_user("manager").get(f"{API}?{query}").json())) == expected


@pytest.mark.parametrize("query", ["track=music", "partner=" + "x" * 51, "partner=a%00b", "page=-1"])
def test_bad_filters_are_a_clear_4xx(as_user, scored, query):
    assert as_user("manager").get(f"{API}?{query}").status_code in (400, 404)


@pytest.mark.parametrize("extra", [0, 6])
def test_the_api_costs_a_fixed_number_of_queries(as_user, scored, extra, django_assert_max_num_queries):
    for number in range(extra):
        CoursePairing.objects.create(
            knowledge=CourseFactory(track="knowledge"), art=CourseFactory(track="art"), score=0.01 * number,
            factors={}, details={}, computed_at=timezone.now(),
        )  # fmt: skip
    client = as_user("manager")
    # the session's user, its permissions (user and group), the count, the page
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}?partner=academy").status_code == 200


# ------------------------------------------------------------------------------ admin and the draft campaign
ADMIN = "/admin/marketing/coursepairing/"


def test_the_bundle_price_is_both_list_prices_less_the_discount_exactly(scored, settings):
    settings.PAIRING_BUNDLE_DISCOUNT_PERCENT = "15"
    quote = services.bundle_price_suggest(knowledge=scored["colour"], art=scored["watercolour"])
    # (99.00 + 259.00) x 15% = 53.70 off 358.00
    assert quote.total == Decimal("304.30") and quote.discount == Decimal("53.70")
    settings.PAIRING_BUNDLE_DISCOUNT_PERCENT = "3.3"
    quote = services.bundle_price_suggest(knowledge=scored["data"], art=scored["watercolour"])
    assert quote.discount == Decimal("15.11")  # 3.3% of 458.00 is 15.114: rounded once, to the cent
    assert quote.total == Decimal("442.89")
    scored["piano"].currency = "USD"
    assert services.bundle_price_suggest(knowledge=scored["data"], art=scored["piano"]) is None


def test_the_action_drafts_a_campaign_with_both_partners_courses_and_price_pending_on_both_sides(
    client, manager, scored
):
    from partners.agreements import agreement_state

    pairing = _pair(scored["colour"], scored["watercolour"])
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = client.post(ADMIN, {"action": "draft_campaign", "_selected_action": [pairing.pk]}, follow=True)
    assert response.status_code == 200
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DRAFT
    assert list(campaign.knowledge_courses.all()) == [scored["colour"]]
    assert list(campaign.art_courses.all()) == [scored["watercolour"]]
    assert campaign.bundle_price == Decimal("304.30")
    shares = {s.side: (s.partner.slug, s.share_percent) for s in campaign.partner_shares.all()}
    # by list price: 99 / 358 = 27.65%
    assert shares == {"knowledge": ("academy", Decimal("27.65")), "art": ("school", Decimal("72.35"))}
    state = agreement_state(campaign=campaign)
    assert len(state.sides) == 2 and not state.agreed
    assert all(side.accepted is None for side in state.sides)
    assert "1 draft campaign created" in response.content.decode()


def test_the_action_twice_for_one_pair_makes_one_campaign(client, manager, scored):
    pairing = _pair(scored["colour"], scored["watercolour"])
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    for _ in range(2):
        response = client.post(ADMIN, {"action": "draft_campaign", "_selected_action": [pairing.pk]}, follow=True)
    assert Campaign.objects.count() == 1
    assert "A campaign for this pair exists already." in response.content.decode()


def test_a_pair_of_one_partners_courses_is_refused(scored):
    scored["watercolour"].partners.set(scored["colour"].partners.all())
    with translation.override("en"), pytest.raises(ApplicationError, match="two different partners"):
        services.pairing_campaign_create(pairing=_pair(scored["colour"], scored["watercolour"]))
    assert not Campaign.objects.exists()


def test_a_learner_cannot_reach_the_page_nor_the_action(client, learner, scored):
    client.force_login(learner)
    pairing = _pair(scored["colour"], scored["watercolour"])
    response = client.post(ADMIN, {"action": "draft_campaign", "_selected_action": [pairing.pk]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    "language, words", [("zh-hans", ["配对建议", "选择一个操作"]), ("en", ["Pairing suggestions", "Choose an action"])]
)
def test_the_page_is_translated_and_shows_no_django_dashes(client, manager, scored, language, words):
    client.force_login(manager)
    client.cookies["django_language"] = language
    page = client.get(ADMIN).content.decode()
    assert all(word in page for word in words)
    assert "---------" not in page


@pytest.mark.parametrize("query", ["", "?partner=academy&track=knowledge", "?partner=studio"])
def test_the_page_filters_and_costs_a_fixed_number_of_queries(
    client, manager, scored, query, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(ADMIN + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    if query == "?partner=studio":
        assert {p.art.slug for p in rows} == {"piano"}
