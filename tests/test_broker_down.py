"""With the broker down: paid orders stay paid and answer as usual; refreshes say nothing was queued."""

import pytest
from django.contrib.messages import get_messages

from courses import services
from courses.models import Order
from courses.payments.sandbox import SandboxProvider
from tests.factories import CampaignFactory, CourseFactory, UserFactory

API = "/api/v1"


@pytest.fixture
def order(db):
    return services.order_checkout(learner=UserFactory(), course=CourseFactory())[0]


# transaction=True: the receipt is sent by an on_commit callback, which only a real commit runs.
@pytest.mark.django_db(transaction=True)
def test_notify_answers_200_and_pays_the_order_when_the_broker_is_down(client, order, broker_down):
    response = client.post("/pay/sandbox/notify/", SandboxProvider().charge(order))

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


@pytest.mark.django_db(transaction=True)
def test_return_url_redirects_to_the_course_when_the_broker_is_down(client, order, broker_down):
    client.force_login(order.learner)

    response = client.get("/pay/sandbox/return/", SandboxProvider().charge(order))

    assert response.status_code == 302
    assert response.url == order.course.get_absolute_url()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["refresh-stats", "scores/refresh"])
def test_refresh_endpoints_answer_503_when_the_broker_is_down(api_client, manager, broker_down, path):
    campaign = CampaignFactory()
    api_client.force_authenticate(manager)

    response = api_client.post(f"{API}/marketing/campaigns/{campaign.slug}/{path}/")

    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"
    assert set(response.json()) == {"message", "code", "extra"}


@pytest.mark.django_db
def test_admin_recompute_action_says_the_job_was_not_queued_when_the_broker_is_down(client, broker_down):
    campaign = CampaignFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/marketing/campaign/",
        {"action": "recompute_scores", "_selected_action": [campaign.pk]},
    )

    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
