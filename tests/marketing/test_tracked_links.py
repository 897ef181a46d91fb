from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketing import services
from marketing.models import TrackedLink, Visit
from tests.factories import TrackedLinkFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


@pytest.fixture
def link():
    return TrackedLinkFactory(target_path="/courses/")


def test_link_redirects_to_its_page_carrying_the_code(client, link):
    response = client.get(f"/r/{link.code}/", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response.url == f"/courses/?c={link.code}"


def test_a_visitor_counts_once_a_day(client, link):
    for _ in range(3):
        client.get(f"/r/{link.code}/", HTTP_USER_AGENT=BROWSER)
    assert Visit.objects.count() == 1
    assert services.visit_record(link=link, visitor="v1", user_agent=BROWSER, now=timezone.now())
    assert services.visit_record(link=link, visitor="v1", user_agent=BROWSER, now=timezone.now() + timedelta(days=1))
    assert Visit.objects.count() == 3


@pytest.mark.parametrize("agent", ["Googlebot/2.1", "facebookexternalhit/1.1", "Slackbot-LinkExpanding", ""])
def test_bots_and_link_previews_are_not_visits(client, link, agent):
    response = client.get(f"/r/{link.code}/", HTTP_USER_AGENT=agent)
    assert response.status_code == 302
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    "target", ["//evil.example.com/", "https://evil.example.com/", "javascript:alert(1)", "\\\\evil"]
)
def test_a_link_cannot_target_another_site(target):
    with pytest.raises(ValidationError):
        TrackedLink(channel=TrackedLinkFactory().channel, target_path=target).full_clean()


def test_a_tampered_stored_target_still_stays_on_site(client, link):
    TrackedLink.objects.filter(pk=link.pk).update(target_path="//evil.example.com/x")
    response = client.get(f"/r/{link.code}/", HTTP_USER_AGENT=BROWSER)
    assert response.url == f"/?c={link.code}"


def test_links_of_campaigns_not_running_redirect_without_counting(client, link):
    link.channel.campaign.status = "ended"
    link.channel.campaign.save()
    assert client.get(f"/r/{link.code}/", HTTP_USER_AGENT=BROWSER).status_code == 302
    assert Visit.objects.count() == 0


def test_unknown_code_is_not_found(client):
    assert client.get("/r/nope/").status_code == 404
