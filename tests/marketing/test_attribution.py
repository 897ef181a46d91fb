import time

import pytest
from django.urls import reverse

from accounts.models import User
from courses.models import Order
from marketing import attribution
from marketing.models import LearnerAttribution, OrderAttribution
from tests.factories import TrackedLinkFactory, UserFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 Chrome/156.0"


def sign_up(client, username: str = "newbie") -> User:
    client.post(
        reverse("signup"),
        {"username": username, "email": f"{username}@example.com", "password1": "a-long-pass-phrase",
         "password2": "a-long-pass-phrase"},
    )  # fmt: skip
    return User.objects.get(username=username)


def buy(client, course) -> Order:
    client.post(reverse("courses:buy", args=[course.slug]), {"checkout_key": "k"})
    return Order.objects.filter(course=course).latest("created_at")


def test_anonymous_visit_then_sign_up_then_order_is_attributed():
    from django.test import Client

    client = Client(HTTP_USER_AGENT=BROWSER)
    link = TrackedLinkFactory()
    campaign, channel = link.channel.campaign, link.channel
    client.get(f"/r/{link.code}/")

    learner = sign_up(client)
    client.get("/")  # the first signed-in request records the learner's touches
    order = buy(client, campaign.art_courses.get())

    learner_touch = LearnerAttribution.objects.get(learner=learner)
    assert (learner_touch.first_campaign, learner_touch.first_channel, learner_touch.signed_up) == (
        campaign,
        channel,
        True,
    )
    order_touch = OrderAttribution.objects.get(order=order)
    assert (order_touch.first_campaign, order_touch.last_campaign, order_touch.last_channel) == (
        campaign,
        campaign,
        channel,
    )


def test_utm_parameters_make_a_touch(client, learner):
    link = TrackedLinkFactory()
    campaign = link.channel.campaign
    client.get("/courses/", {"utm_campaign": campaign.slug, "utm_medium": link.channel.kind, "utm_source": "wechat"})
    client.force_login(learner)

    order = buy(client, campaign.knowledge_courses.get())

    touch = OrderAttribution.objects.get(order=order)
    assert (touch.last_campaign, touch.last_channel) == (campaign, link.channel)
    assert touch.utm["utm_source"] == "wechat"


def test_first_and_last_touch_differ_when_two_links_were_followed(client, learner):
    first, last = TrackedLinkFactory(), TrackedLinkFactory()
    client.get(f"/r/{first.code}/", HTTP_USER_AGENT=BROWSER)
    client.get(f"/r/{last.code}/", HTTP_USER_AGENT=BROWSER)
    client.force_login(learner)

    order = buy(client, last.channel.campaign.art_courses.get())

    touch = OrderAttribution.objects.get(order=order)
    assert (touch.first_campaign, touch.last_campaign) == (first.channel.campaign, last.channel.campaign)


def test_touches_older_than_the_window_are_not_credited(client, learner, settings, monkeypatch):
    settings.ATTRIBUTION_WINDOW_DAYS = 30
    link = TrackedLinkFactory()
    long_ago = time.time() - 31 * 86400
    monkeypatch.setattr(attribution.time, "time", lambda: long_ago)
    client.get(f"/r/{link.code}/", HTTP_USER_AGENT=BROWSER)
    monkeypatch.undo()
    client.force_login(learner)

    order = buy(client, link.channel.campaign.art_courses.get())

    assert not OrderAttribution.objects.filter(order=order).exists()


def test_a_forged_touch_cookie_is_ignored(client, learner):
    link = TrackedLinkFactory()
    client.cookies[attribution.TOUCH_COOKIE] = '{"last": {"campaign": 1, "channel": null, "at": 1}}'
    client.force_login(learner)
    order = buy(client, link.channel.campaign.art_courses.get())
    assert not OrderAttribution.objects.filter(order=order).exists()


def test_referral_link_credits_the_referrer_but_never_oneself(client):
    from marketing import services

    referrer, friend = UserFactory(), UserFactory()
    link = TrackedLinkFactory()
    campaign = link.channel.campaign
    own = services.referral_link_for(learner=referrer, campaign=campaign)
    assert services.referral_link_for(learner=referrer, campaign=campaign) == own

    client.get(f"/r/{own.code}/", HTTP_USER_AGENT=BROWSER)
    client.force_login(friend)
    assert OrderAttribution.objects.get(order=buy(client, campaign.art_courses.get())).referrer == referrer

    client.force_login(referrer)
    client.get(f"/r/{own.code}/", HTTP_USER_AGENT=BROWSER)
    assert OrderAttribution.objects.get(order=buy(client, campaign.knowledge_courses.get())).referrer is None
