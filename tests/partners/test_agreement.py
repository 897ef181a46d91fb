"""The two-sided agreement: a joint campaign starts only once both sides accepted its current terms."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from marketing import services as marketing_services
from marketing.models import Campaign
from partners import agreements
from partners.models import AgreementEvent
from platform_site.exceptions import Conflict, NotPermitted
from tests.factories import CampaignFactory, MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def campaign():
    return CampaignFactory(status="draft")


def side_manager(campaign, side, role="manager"):
    share = campaign.partner_shares.get(side=side)
    return MembershipFactory(partner=share.partner, role=role)


def accept(membership, campaign):
    state = agreements.agreement_state(campaign=campaign)
    return agreements.campaign_terms_accept(actor=membership, campaign=campaign, digest=state.digest)


def start(campaign):
    return marketing_services.campaign_set_status(campaign=Campaign.objects.get(pk=campaign.pk), status="running")


def test_a_campaign_does_not_start_before_both_sides_accept(campaign):
    accept(side_manager(campaign, "knowledge"), campaign)

    with pytest.raises(Conflict) as error:
        start(campaign)

    art = campaign.partner_shares.get(side="art").partner
    assert error.value.code == "terms_not_accepted"
    assert error.value.extra["partners"] == [art.slug]
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_it_starts_once_both_sides_accepted(campaign):
    accept(side_manager(campaign, "knowledge"), campaign)
    accept(side_manager(campaign, "art", role="owner"), campaign)

    assert start(campaign).status == "running"


def test_a_change_of_terms_after_acceptance_asks_both_sides_again(campaign):
    knowledge, art = side_manager(campaign, "knowledge"), side_manager(campaign, "art")
    accept(knowledge, campaign)
    accept(art, campaign)
    marketing_services.campaign_update(campaign=campaign, bundle_price=Decimal("299.00"))

    with pytest.raises(Conflict):
        start(campaign)

    state = agreements.agreement_state(campaign=campaign)
    assert [side.asked_again for side in state.sides] == [True, True]
    change = AgreementEvent.objects.filter(kind="terms_changed").get()
    assert change.changes == {"bundle_price": [None, "299.00"]}
    accept(knowledge, campaign)
    accept(art, campaign)
    assert start(campaign).status == "running"


def test_changing_the_terms_back_still_asks_again(campaign):
    knowledge, art = side_manager(campaign, "knowledge"), side_manager(campaign, "art")
    accept(knowledge, campaign)
    accept(art, campaign)
    marketing_services.campaign_update(campaign=campaign, bundle_price=Decimal("299.00"))
    with pytest.raises(Conflict):
        start(campaign)
    marketing_services.campaign_update(campaign=campaign, bundle_price=None)

    with pytest.raises(Conflict):
        start(campaign)


def test_a_share_change_is_a_change_of_terms(campaign):
    accept(side_manager(campaign, "knowledge"), campaign)
    accept(side_manager(campaign, "art"), campaign)
    campaign.partner_shares.filter(side="knowledge").update(share_percent=50)
    campaign.partner_shares.filter(side="art").update(share_percent=50)

    with pytest.raises(Conflict):
        start(campaign)

    assert list(AgreementEvent.objects.filter(kind="terms_changed").values_list("changes", flat=True)[0]) == ["shares"]


def test_accepting_terms_that_changed_since_they_were_read_is_refused(campaign):
    manager = side_manager(campaign, "knowledge")
    read = agreements.agreement_state(campaign=campaign).digest
    marketing_services.campaign_update(campaign=campaign, bundle_price=Decimal("299.00"))

    with pytest.raises(Conflict) as error:
        agreements.campaign_terms_accept(actor=manager, campaign=campaign, digest=read)

    assert error.value.code == "terms_changed"


def test_accepting_twice_records_one_acceptance(campaign):
    manager = side_manager(campaign, "knowledge")

    assert accept(manager, campaign).pk == accept(manager, campaign).pk
    assert AgreementEvent.objects.filter(kind="accepted").count() == 1


@pytest.mark.parametrize("role", ["instructor", "analyst"])
def test_only_owners_and_managers_accept(campaign, role):
    with pytest.raises(NotPermitted):
        accept(side_manager(campaign, "knowledge", role=role), campaign)


def test_a_partner_without_a_side_cannot_accept(campaign, partner_a):
    with pytest.raises(NotPermitted):
        accept(MembershipFactory(partner=partner_a, role="owner"), campaign)


def test_the_trail_keeps_who_accepted_when_and_what_changed(campaign):
    manager = side_manager(campaign, "knowledge")
    accept(manager, campaign)
    marketing_services.campaign_update(campaign=campaign, bundle_price=Decimal("299.00"))
    agreements.agreement_record_changes(campaign=campaign)

    with translation.override("en"):
        trail = agreements.agreement_state(campaign=campaign).trail

    assert [(event.kind, labels) for event, labels in trail] == [
        ("terms_changed", ["bundle price"]),
        ("accepted", []),
    ]
    assert trail[1][0].user == manager.user and trail[1][0].partner == manager.partner


def test_the_api_start_answers_409_until_both_sides_accept(campaign, as_user):
    response = as_user("manager").post(f"{API}/marketing/campaigns/{campaign.slug}/status/running/")

    assert (response.status_code, response.json()["code"]) == (409, "terms_not_accepted")


def test_a_manager_accepts_in_the_workspace(client, campaign):
    manager = side_manager(campaign, "art")
    client.force_login(manager.user)
    page = client.get(reverse("partners:campaign", args=[campaign.pk]))
    digest = page.context["agreement"].digest

    response = client.post(reverse("partners:campaign-accept", args=[campaign.pk]), {"digest": digest})

    assert response.status_code == 302
    assert AgreementEvent.objects.filter(kind="accepted", partner=manager.partner, user=manager.user).exists()
    assert (
        'data-testid="accept-terms"'
        not in client.get(reverse("partners:campaign", args=[campaign.pk])).content.decode()
    )


def test_an_analyst_sees_the_terms_but_no_accept_button_and_is_refused_403(client, campaign):
    analyst = side_manager(campaign, "art", role="analyst")
    client.force_login(analyst.user)
    page = client.get(reverse("partners:campaign", args=[campaign.pk]))

    assert 'data-testid="agreement"' in page.content.decode()
    assert 'data-testid="accept-terms"' not in page.content.decode()
    response = client.post(
        reverse("partners:campaign-accept", args=[campaign.pk]), {"digest": page.context["agreement"].digest}
    )
    assert response.status_code == 403


def test_accepting_another_partners_campaign_is_a_404(client, campaign, owner_a):
    client.force_login(owner_a.user)
    digest = agreements.agreement_state(campaign=campaign).digest

    response = client.post(reverse("partners:campaign-accept", args=[campaign.pk]), {"digest": digest})

    assert response.status_code == 404
    assert not AgreementEvent.objects.exists()


def test_course_managers_read_the_trail_in_the_admin(client, manager, campaign):
    accept(side_manager(campaign, "knowledge"), campaign)
    client.force_login(manager)

    assert client.get(reverse("admin:partners_agreementevent_changelist")).status_code == 200
    event = AgreementEvent.objects.get()
    assert client.get(reverse("admin:partners_agreementevent_change", args=[event.pk])).status_code == 200


# ------------------------------------------------------------------------------ the status shown
def test_a_campaign_marked_running_before_both_sides_accepted_is_shown_as_waiting(client):
    """The factory (as the old demo did) writes "running" straight into the row: the workspace shows
    the truth, that it waits for both sides, until both accepted the current terms."""
    from django.urls import reverse

    from partners.agreements import agreement_state, campaign_terms_accept
    from tests.factories import CampaignFactory, MembershipFactory

    campaign = CampaignFactory(status="running")
    seats = [MembershipFactory(partner=s.partner, role="manager") for s in campaign.partner_shares.all()]
    client.force_login(seats[0].user)
    client.cookies["django_language"] = "zh-hans"
    pages = [reverse("partners:campaign", args=[campaign.pk]), reverse("partners:campaigns")]

    def shown() -> list[str]:
        import re

        return [re.search(r'data-testid="campaign-status">([^<]+)<', client.get(page).content.decode())[1]
                for page in pages]  # fmt: skip

    assert shown() == ["等待双方确认条款"] * 2
    campaign_terms_accept(actor=seats[0], campaign=campaign, digest=agreement_state(campaign=campaign).digest)
    assert shown() == ["等待双方确认条款"] * 2
    campaign_terms_accept(actor=seats[1], campaign=campaign, digest=agreement_state(campaign=campaign).digest)
    assert shown() == ["进行中"] * 2


def test_the_workspace_home_counts_a_campaign_as_running_once_both_sides_accepted_its_terms(campaign):
    from partners.selectors import partner_headline

    knowledge, art = side_manager(campaign, "knowledge"), side_manager(campaign, "art")
    Campaign.objects.filter(pk=campaign.pk).update(status="running")  # marked running, never agreed

    def running() -> list[int]:
        return [partner_headline(membership=member)["running_campaigns"] for member in (knowledge, art)]

    assert running() == [0, 0]
    accept(knowledge, campaign)
    accept(art, campaign)
    assert running() == [1, 1]
    marketing_services.campaign_update(campaign=campaign, bundle_price=Decimal("299.00"))
    assert running() == [0, 0]  # the changed terms wait for both sides again


def test_the_demo_campaign_runs_only_once_both_demo_sides_accepted():
    from django.core.management import call_command

    from marketing.models import Campaign
    from partners.agreements import agreement_state

    call_command("seed_demo", password="a-long-pass-phrase", verbosity=0)
    call_command("seed_demo_campaigns", verbosity=0)
    campaign = Campaign.objects.get(slug="spring-knowledge-art")
    assert campaign.status == "scheduled" and not agreement_state(campaign=campaign).agreed

    call_command("seed_demo_partners", password="a-long-pass-phrase", verbosity=0)
    call_command("seed_demo_campaigns", verbosity=0)  # again: its dates move, both sides are asked again
    campaign.refresh_from_db()
    assert campaign.status == "running" and not agreement_state(campaign=campaign).agreed
    call_command("seed_demo_partners", password="a-long-pass-phrase", verbosity=0)
    assert agreement_state(campaign=campaign).agreed
