"""Writes through the API and the admin go through the services, which hold the rules."""

import pytest
from django.urls import reverse

from marketing.models import Campaign, Coupon
from tests.factories import CampaignFactory, CouponFactory, CourseFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
WINDOW = {"valid_from": "2026-04-01T00:00:00Z", "valid_until": "2026-05-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"value": "0"}, "value", "A coupon must take something off: enter a value above 0."),
        ({"value": "150"}, "value", "A percentage cannot exceed 100."),
        ({"valid_until": "2026-03-01T00:00:00Z"}, "valid_until", "The coupon must expire after it starts."),
    ],
)
def test_api_refuses_a_coupon_breaking_a_rule_at_its_field(as_user, change, field, message):
    payload = {"code": "SPRING", "kind": "percent", "value": "20", **WINDOW, **change}
    response = as_user("manager").post(f"{API}/marketing/coupons/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"][field] == [message]
    assert not Coupon.objects.exists()


def test_api_coupon_rule_messages_are_translated(as_user):
    payload = {"code": "SPRING", "kind": "percent", "value": "0", **WINDOW}
    response = as_user("manager").post(
        f"{API}/marketing/coupons/", payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.json()["extra"]["fields"]["value"] == ["优惠券必须有优惠：请输入大于 0 的数值。"]


def test_api_refuses_a_negative_budget(as_user):
    payload = {"slug": "x", "name_zh": "x", "starts_at": "2026-03-01T00:00:00Z", "ends_at": "2026-04-01T00:00:00Z",
               "budget": "-1"}  # fmt: skip
    response = as_user("manager").post(f"{API}/marketing/campaigns/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["budget"] == ["The budget cannot be negative."]


def test_api_updates_a_coupon_through_the_rules(as_user):
    coupon = CouponFactory(kind="fixed", value=30)
    response = as_user("manager").patch(f"{API}/marketing/coupons/{coupon.pk}/", {"kind": "percent", "value": "120"},
                                        format="json")  # fmt: skip
    assert response.status_code == 400
    coupon.refresh_from_db()
    assert (coupon.kind, coupon.value) == ("fixed", 30)


def test_admin_shows_a_coupon_rule_beside_its_field(client, manager):
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    data = {"code": "SPRING", "kind": "percent", "value": "0", "valid_from_0": "2026-04-01", "valid_from_1": "00:00:00",
            "valid_until_0": "2026-03-01", "valid_until_1": "00:00:00", "per_learner_cap": "1"}  # fmt: skip
    response = client.post(reverse("admin:marketing_coupon_add"), data)
    errors = response.context["adminform"].form.errors
    assert errors["value"] == ["A coupon must take something off: enter a value above 0."]
    assert errors["valid_until"] == ["The coupon must expire after it starts."]
    assert not Coupon.objects.exists()


def test_an_ended_campaign_is_not_started_again(as_user):
    campaign = CampaignFactory(status="ended")
    response = as_user("manager").post(f"{API}/marketing/campaigns/{campaign.slug}/status/running/")
    assert (response.status_code, response.json()["code"]) == (400, "campaign_transition")
    assert Campaign.objects.get(pk=campaign.pk).status == "ended"


def _add_form(client, url: str, fields: dict[str, object], rows: dict[str, list[dict[str, object]]]) -> dict:
    """An admin add form as a manager fills it in: `rows` are the inlines' rows, by model name."""
    page = client.get(url)
    data: dict[str, object] = dict(fields)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        mine = rows.get(formset.model._meta.model_name, [])
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = len(mine) if key == "TOTAL_FORMS" else value
        for index, row in enumerate(mine):
            data.update({f"{formset.prefix}-{index}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def superuser_client(client, manager):
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


CAMPAIGN_FIELDS = {
    "slug": "summer", "name_zh": "夏季联名", "name_en": "Summer", "goal": "reach", "budget": "1000",
    "starts_at_0": "2026-06-01", "starts_at_1": "00:00:00", "ends_at_0": "2026-07-01", "ends_at_1": "00:00:00",
    "status": "running",  # read-only on the page: a forged value must not start the campaign
}  # fmt: skip


def test_the_admin_adds_a_campaign_and_its_channels_through_the_services(superuser_client):
    course = CourseFactory()
    url = reverse("admin:marketing_campaign_add")
    rows = {"channel": [{"kind": "joint_event", "name": "公众号", "cost": "50"}]}
    data = _add_form(superuser_client, url, {**CAMPAIGN_FIELDS, "knowledge_courses": [course.pk]}, rows)

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.get(slug="summer")
    assert campaign.status == "draft"
    assert list(campaign.knowledge_courses.all()) == [course]
    assert [(c.name, str(c.cost)) for c in campaign.channels.all()] == [("公众号", "50.00")]


def test_the_admin_refuses_a_channel_costing_less_than_nothing_at_its_field(superuser_client):
    url = reverse("admin:marketing_campaign_add")
    rows = {"channel": [{"kind": "joint_event", "name": "公众号", "cost": "-1"}]}

    response = superuser_client.post(url, _add_form(superuser_client, url, CAMPAIGN_FIELDS, rows))

    assert response.status_code == 200
    channel_errors = [form.errors for inline in response.context["inline_admin_formsets"]
                      for form in inline.formset.forms if inline.formset.model._meta.model_name == "channel"]  # fmt: skip
    assert channel_errors and "cost" in channel_errors[0]
    assert not Campaign.objects.exists()


def test_the_admin_adds_a_coupon_for_chosen_courses_through_the_service(superuser_client):
    course = CourseFactory()
    data = {"code": "SUMMER10", "kind": "percent", "value": "10", "courses": [course.pk], "per_learner_cap": "1",
            "valid_from_0": "2026-06-01", "valid_from_1": "00:00:00",
            "valid_until_0": "2026-07-01", "valid_until_1": "00:00:00"}  # fmt: skip
    response = superuser_client.post(reverse("admin:marketing_coupon_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Coupon.objects.get(code="SUMMER10").courses.all()) == [course]
