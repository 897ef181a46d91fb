"""Partner API tokens: read-only or read-write, each with an expiry; a statement's PDF in the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Course
from partners import tokens
from partners.models import ApiToken
from platform_site.exceptions import ApplicationError
from tests.partners.test_isolation import world as world

pytestmark = pytest.mark.django_db

API = "/api/v1/partner"


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_read_only_token_reads_and_every_write_is_refused(world, owner_a):
    token, secret = tokens.api_token_create(actor=owner_a, name="报表")
    client = client_for(secret)
    course = world["course_a"]

    assert token.scope == "read" and client.get(f"{API}/courses/").status_code == 200
    writes = {
        "patch": client.patch(f"{API}/courses/{course.pk}/", {"title_zh": "被改了"}, format="json"),
        "put": client.put(f"{API}/courses/{course.pk}/", {"title_zh": "被改了"}, format="json"),
        "accept": client.post(f"{API}/campaigns/{world['campaign_a'].pk}/accept/", {"digest": "x"}, format="json"),
    }

    assert {name: r.status_code for name, r in writes.items()} == dict.fromkeys(writes, 403)
    assert writes["patch"].json()["code"] == "token_read_only"
    assert Course.objects.get(pk=course.pk).title_zh == course.title_zh


def test_a_read_write_token_writes_what_the_role_may(world, owner_a):
    _token, secret = tokens.api_token_create(actor=owner_a, name="同步", scope="read_write")

    response = client_for(secret).patch(f"{API}/courses/{world['course_a'].pk}/", {"title_zh": "新名"}, format="json")

    assert response.status_code == 200 and Course.objects.get(pk=world["course_a"].pk).title_zh == "新名"


def test_an_expired_token_is_a_401(world, owner_a):
    token, secret = tokens.api_token_create(actor=owner_a, name="旧", expires_in_days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client_for(secret).get(f"{API}/courses/")

    assert response.status_code == 401


def test_every_new_token_expires_within_the_limit(owner_a, settings):
    settings.PARTNER_API_TOKEN_MAX_DAYS = 365
    token, _secret = tokens.api_token_create(actor=owner_a, name="一年", expires_in_days=365)
    assert timedelta(days=364) < token.expires_at - timezone.now() <= timedelta(days=365)
    for bad in (0, -1, 366, 10**9):
        with pytest.raises(ApplicationError):
            tokens.api_token_create(actor=owner_a, name="坏", expires_in_days=bad)
    with pytest.raises(ApplicationError):
        tokens.api_token_create(actor=owner_a, name="坏", scope="admin")


def test_the_tokens_page_makes_a_read_only_token_by_default_and_shows_scope_and_expiry(client, owner_a):
    client.force_login(owner_a.user)

    client.post(reverse("partners:tokens"), {"name": "默认"})
    client.post(reverse("partners:tokens"), {"name": "可写", "scope": "read_write", "expires_in_days": "30"})
    refused = client.post(reverse("partners:tokens"), {"name": "坏", "scope": "root", "expires_in_days": "9999"})

    assert refused.status_code == 200 and set(refused.context["form"].errors) == {"scope", "expires_in_days"}
    made = {t.name: (t.scope, (t.expires_at - timezone.now()).days) for t in ApiToken.objects.all()}
    assert made == {"默认": ("read", 89), "可写": ("read_write", 29)}
    page = client.get(reverse("partners:tokens")).content.decode()
    assert "只读" in page or "Read only" in page


def test_the_api_serves_a_statements_pdf_of_the_tokens_partner_only(world, owner_a, django_assert_max_num_queries):
    _token, secret = tokens.api_token_create(actor=owner_a, name="财务")
    client = client_for(secret)

    with django_assert_max_num_queries(6):
        own = client.get(f"{API}/statements/{world['statement_a'].pk}/pdf/")
    others = [client.get(f"{API}/statements/{pk}/pdf/").status_code
              for pk in (world["statement_b"].pk, world["statement_b"].pk + 1000)]  # fmt: skip

    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    assert others == [404, 404]


@pytest.mark.parametrize(("role", "code"), [("owner", 200), ("manager", 200), ("analyst", 200), ("instructor", 403)])
def test_the_statement_pdf_follows_the_roles_table(world, partner_a, role, code):
    from tests.partners.test_isolation import member_client

    _client, membership = member_client(partner_a, role)
    _token, secret = tokens.api_token_create(actor=membership, name="pdf")

    assert client_for(secret).get(f"{API}/statements/{world['statement_a'].pk}/pdf/").status_code == code
