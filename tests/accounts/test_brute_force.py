"""Brute-force protection: lock-outs on every login, a failure throttle on the token, capped reset mail."""

import pytest
from django.core import mail
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-Good-passw0rd"
LOGIN, ADMIN_LOGIN, TOKEN = "/accounts/login/", "/admin/login/", "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_MINUTES = 15


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def fail(client, path: str, username: str, times: int, ip: str = "198.51.100.1") -> list[int]:
    return [
        client.post(path, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip).status_code for _ in range(times)
    ]


def test_page_login_locks_the_account_and_says_when_to_retry(client, alice, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert fail(client, LOGIN, "alice", 5) == [200] * 4 + [429]

    # The right password from another network does not get in while the account is locked.
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_the_lock_out_page_is_in_chinese_by_default(client, alice):
    fail(client, LOGIN, "alice", 5)

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert "15 分钟后再试" in response.content.decode()


def test_one_client_trying_many_accounts_is_locked_out(client, alice):
    for n in range(5):
        fail(client, LOGIN, f"guess{n}", 1, ip="198.51.100.7")

    locked = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    elsewhere = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_a_rotating_forwarded_header_does_not_escape_the_client_lock_out(client, alice):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )

    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.9.9.99"
    )

    assert response.status_code == 429


def test_admin_login_locks_out_too(client, alice):
    assert fail(client, ADMIN_LOGIN, "alice", 5)[-1] == 429
    assert client.post(ADMIN_LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 429


def test_token_endpoint_throttles_failed_attempts_only(api_client, alice, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "login": "3/hour"})
    good = {"username": "alice", "password": PASSWORD}
    assert [api_client.post(TOKEN, good).status_code for _ in range(5)] == [200] * 5

    statuses = [api_client.post(TOKEN, {"username": f"u{n}", "password": "x"}).status_code for n in range(4)]

    assert statuses == [400, 400, 400, 429]
    response = api_client.post(TOKEN, good)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_token_endpoint_shares_the_account_lock_out(api_client, alice):
    for _ in range(5):
        api_client.post(TOKEN, {"username": "alice", "password": "wrong"}, REMOTE_ADDR="198.51.100.3")

    response = api_client.post(TOKEN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.4")

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_password_reset_mails_an_address_three_times_an_hour_and_answers_alike(client, alice):
    responses = [client.post("/accounts/password_reset/", {"email": alice.email}) for _ in range(20)]
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert len(mail.outbox) == 3
    assert {(r.status_code, r.url) for r in [*responses, unknown]} == {(302, "/accounts/password_reset/done/")}
