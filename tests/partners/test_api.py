"""The partner API: a token acts as its membership, sees its partner only, and its role decides.

The isolation matrix: a token of partner A, in each role, against B's courses, orders,
enrollments, campaigns, statements (and their CSV) and members by guessing ids: 404 (or 403 where the role may not read at
all) and nothing of B in any list; what a role may not do on A's own objects: 403.
"""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courses.models import Course, Enrollment
from partners import selectors, tokens
from partners.agreements import agreement_state
from partners.models import AgreementEvent, ApiToken, Membership
from tests.factories import CampaignFactory, CourseFactory, MembershipFactory, UserFactory
from tests.partners.test_isolation import B_SECRETS, ROLES, b_state, paid_order

# The same two partners as the pages' matrix (an explicit re-export: pytest finds the fixture here).
from tests.partners.test_isolation import world as world

pytestmark = pytest.mark.django_db

API = "/api/v1/partner"
# What each role may read through the API, as on the workspace's pages.
READS = {
    "owner": {"courses", "orders", "enrollments", "campaigns", "members", "statements"},
    "manager": {"courses", "orders", "enrollments", "campaigns", "statements"},
    "instructor": {"courses", "enrollments"},
    "analyst": {"courses", "orders", "enrollments", "campaigns", "statements"},
}
EDITORS = {"owner", "manager"}


def membership_of(partner, role) -> Membership:
    if role == "owner":
        return Membership.objects.get(partner=partner, role="owner")
    return MembershipFactory(partner=partner, role=role)


def token_client(membership: Membership, scope: str = "read_write") -> tuple[APIClient, ApiToken]:
    token, secret = tokens.api_token_create(actor=membership, name="CRM", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client, token


def b_ids(world) -> dict[str, int]:
    enrollment = Enrollment.objects.get(order=world["order_b"])
    return {
        "courses": world["course_b"].pk, "orders": world["order_b"].pk, "enrollments": enrollment.pk,
        "campaigns": world["campaign_b"].pk, "statements": world["statement_b"].pk,
    }  # fmt: skip


# ------------------------------------------------------------------------------ isolation
@pytest.mark.parametrize("role", ROLES)
def test_a_token_of_a_gets_nothing_of_b(world, partner_a, role):
    client, _token = token_client(membership_of(partner_a, role))
    before = b_state(world)
    ids = b_ids(world)
    successes = {}
    for resource, pk in ids.items():
        for guess in (pk, pk + 1000):
            response = client.get(f"{API}/{resource}/{guess}/")
            if response.status_code not in (403, 404):
                successes[f"read {resource} {guess}"] = response.status_code
        for download in ("csv", "pdf"):  # the downloads, by B's id and by guessing
            for guess in (ids["statements"], ids["statements"] + 1000):
                response = client.get(f"{API}/statements/{guess}/{download}/")
                if response.status_code not in (403, 404):
                    successes[f"download b's statement {download} {guess}"] = response.status_code
    writes = {
        "patch course": client.patch(f"{API}/courses/{ids['courses']}/", {"title_zh": "被改了"}, format="json"),
        "put course": client.put(f"{API}/courses/{ids['courses']}/", {"title_zh": "被改了"}, format="json"),
        "delete course": client.delete(f"{API}/courses/{ids['courses']}/"),
        "accept b": client.post(f"{API}/campaigns/{ids['campaigns']}/accept/", {"digest": "x"}, format="json"),
        "delete member": client.delete(f"{API}/members/{world['member_b'].pk}/"),
        "patch member": client.patch(f"{API}/members/{world['member_b'].pk}/", {"role": "owner"}, format="json"),
        "act in b": client.get(f"{API}/courses/?partner=mind-lab", HTTP_X_PARTNER="mind-lab"),
    }
    successes |= {name: r.status_code for name, r in writes.items() if r.status_code not in (403, 404, 405)}
    # A token acts in its own partner whatever it names: the last call lists A's courses (an
    # instructor's: those assigned to them, none here).
    if role in EDITORS | {"instructor", "analyst"}:
        expected = [] if role == "instructor" else [world["course_a"].pk]
        assert [row["id"] for row in writes["act in b"].json()["results"]] == expected
        successes.pop("act in b", None)

    assert successes == {}
    assert b_state(world) == before
    assert not AgreementEvent.objects.filter(campaign=world["campaign_b"]).exists()
    for resource in READS[role]:
        body = client.get(f"{API}/{resource}/").content.decode()
        assert [secret for secret in B_SECRETS if secret in body] == [], resource


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_the_table_allows_and_is_refused_the_rest(world, partner_a, role):
    client, _token = token_client(membership_of(partner_a, role))

    codes = {resource: client.get(f"{API}/{resource}/").status_code for resource in READS["owner"]}

    assert {r for r, code in codes.items() if code == 200} == READS[role]
    assert {r for r, code in codes.items() if code == 403} == READS["owner"] - READS[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_owners_and_managers_edit_a_course_and_accept_terms(world, partner_a, role):
    client, _token = token_client(membership_of(partner_a, role))
    course, campaign = world["course_a"], world["campaign_a"]
    digest = agreement_state(campaign=campaign).digest

    edited = client.patch(f"{API}/courses/{course.pk}/", {"title_zh": "新标题", "status": "published"}, format="json")
    accepted = client.post(f"{API}/campaigns/{campaign.pk}/accept/", {"digest": digest}, format="json")

    allowed = role in EDITORS
    assert edited.status_code == (200 if allowed else 403)
    assert accepted.status_code == (200 if allowed else 403)
    course.refresh_from_db()
    assert (course.title_zh == "新标题") is allowed
    assert course.status == world["course_a"].status  # publishing is the platform's step
    assert AgreementEvent.objects.filter(campaign=campaign, kind="accepted").exists() is allowed


# ------------------------------------------------------------------------------ tokens
def test_a_revoked_token_is_refused_with_401(world, owner_a):
    client, token = token_client(owner_a)
    assert client.get(f"{API}/courses/").status_code == 200

    tokens.api_token_revoke(actor=owner_a, pk=token.pk)
    response = client.get(f"{API}/courses/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_a_removed_membership_is_refused_with_401(world, partner_a):
    membership = membership_of(partner_a, "manager")
    client, _token = token_client(membership)

    membership.delete()

    assert client.get(f"{API}/courses/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Bearer a b", "Bearer \u00e9t\u00e9"])
def test_a_wrong_token_is_refused_with_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get(f"{API}/courses/").status_code == 401


def test_no_credentials_is_a_401_with_the_bearer_challenge(world):
    response = APIClient().get(f"{API}/orders/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_token_is_stored_as_its_hash_and_records_its_use(world, owner_a):
    token, secret = tokens.api_token_create(actor=owner_a, name="ERP")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    client.get(f"{API}/courses/")

    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.key_hash, token.prefix) and secret.startswith(token.prefix)
    assert token.last_used_at is not None


# ------------------------------------------------------------------------------ content
def test_orders_and_enrollments_mask_learners_as_the_workspace_does(world, owner_a):
    client, _token = token_client(owner_a)

    orders = client.get(f"{API}/orders/").json()["results"]
    enrollments = client.get(f"{API}/enrollments/").json()["results"]

    learner = world["order_a"].learner
    contact = {"initial": selectors.mask_name(learner), "email": "l***@a-school.cn"}
    assert [row["learner"] for row in orders] == [contact]
    assert [row["learner"] for row in enrollments] == [contact]
    assert "li@a-school.cn" not in str(orders) + str(enrollments)


def test_orders_filter_by_status(world, owner_a):
    client, _token = token_client(owner_a)

    assert client.get(f"{API}/orders/?status=paid").json()["count"] == 1
    assert client.get(f"{API}/orders/?status=refunded").json()["count"] == 0
    assert client.get(f"{API}/orders/?status=nonsense").status_code == 400


def test_accepting_terms_twice_keeps_one_acceptance(world, partner_a):
    client, _token = token_client(membership_of(partner_a, "manager"))
    campaign = world["campaign_a"]
    digest = client.get(f"{API}/campaigns/{campaign.pk}/").json()["agreement"]["digest"]

    first = client.post(f"{API}/campaigns/{campaign.pk}/accept/", {"digest": digest}, format="json")
    second = client.post(f"{API}/campaigns/{campaign.pk}/accept/", {"digest": digest}, format="json")
    stale = client.post(f"{API}/campaigns/{campaign.pk}/accept/", {"digest": "0" * 64}, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["agreement"] == second.json()["agreement"]
    assert AgreementEvent.objects.filter(campaign=campaign, kind="accepted").count() == 1
    assert stale.status_code == 409
    listed = client.get(f"{API}/campaigns/").json()["results"]
    sides = {side["partner"]: side["accepted"] for side in listed[0]["agreement"]["sides"]}
    assert sides["ink-academy"] is True and listed[0]["agreement"]["agreed"] is False  # the other side has not


def test_members_are_listed_for_owners(world, owner_a):
    client, _token = token_client(owner_a)

    rows = client.get(f"{API}/members/").json()["results"]

    assert [(row["username"], row["role"]) for row in rows] == [("owner-a", "owner")]


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "body",
    [
        {"title_zh": "长" * 1_000_000},
        {"title_zh": "a\x00b"},
        {"price": "1e400"},
        {"price": "-1"},
        {"track": "nonsense"},
        {"currency": ["CNY"] * 10_000},
        "[" * 5000,
    ],
    ids=["huge", "nul", "huge-price", "negative-price", "bad-choice", "list", "deep"],
)
def test_bad_course_input_is_a_400(world, owner_a, body):
    client, _token = token_client(owner_a)
    url = f"{API}/courses/{world['course_a'].pk}/"

    if isinstance(body, str):
        response = client.generic("PATCH", url, body, content_type="application/json")
    else:
        response = client.patch(url, body, format="json")

    assert response.status_code == 400
    assert Course.objects.get(pk=world["course_a"].pk).title_zh == "墨韵课程"


@pytest.mark.parametrize("path", ["courses/99999999999999999999999/", "orders/9223372036854775808/", "courses/1.5/",
                                  "campaigns/abc/accept/", "enrollments/-1/"])  # fmt: skip
def test_odd_ids_are_404(world, owner_a, path):
    client, _token = token_client(owner_a)

    assert client.get(f"{API}/{path}").status_code == 404


def test_a_nul_in_the_query_is_a_400(world, owner_a):
    client, _token = token_client(owner_a)

    assert client.get(f"{API}/orders/?status=pa%00id").status_code == 400


# ------------------------------------------------------------------------------ session callers
def test_a_signed_in_member_names_the_partner_among_their_own(world, partner_a, partner_b, owner_a):
    client = APIClient()
    client.force_authenticate(None)
    client.force_login(owner_a.user)
    MembershipFactory(partner=partner_b, user=owner_a.user, role="analyst")

    own = client.get(f"{API}/courses/?partner=ink-academy").json()["results"]
    other = client.get(f"{API}/courses/", HTTP_X_PARTNER="mind-lab").json()["results"]

    assert [row["id"] for row in own] == [world["course_a"].pk]
    assert [row["id"] for row in other] == [world["course_b"].pk]


def test_a_signed_in_user_may_not_name_a_partner_they_are_not_member_of(world, owner_a):
    client = APIClient()
    client.force_login(owner_a.user)

    assert client.get(f"{API}/courses/?partner=mind-lab").status_code == 403
    client.force_login(UserFactory())
    assert client.get(f"{API}/courses/").status_code == 403


# ------------------------------------------------------------------------------ query counts
@pytest.mark.parametrize("resource", ["courses", "orders", "enrollments", "campaigns", "members", "statements"])
def test_a_list_costs_a_fixed_number_of_queries(world, partner_a, owner_a, resource, django_assert_max_num_queries):
    client, _token = token_client(owner_a)
    client.get(f"{API}/{resource}/")  # the token's last use is written once a minute: not in the count
    for _ in range(5):
        course = CourseFactory(partners=[partner_a])
        paid_order(course, UserFactory())
        MembershipFactory(partner=partner_a, role="analyst")
        CampaignFactory().partner_shares.filter(side="knowledge").update(partner=partner_a)

    with django_assert_max_num_queries(QUERIES[resource]):
        response = client.get(f"{API}/{resource}/")

    assert response.status_code == 200


# Authentication (1), count and page (2), and each list's prefetches (a campaign's courses, shares, stats, agreement trail).
QUERIES = {"courses": 4, "orders": 3, "enrollments": 3, "campaigns": 11, "members": 3, "statements": 3}


# ------------------------------------------------------------------------------ the tokens page
def test_the_tokens_page_shows_a_new_secret_once_and_revokes(world, owner_a, client):
    client.force_login(owner_a.user)

    created = client.post(reverse("partners:tokens"), {"name": "CRM 同步"})
    secret = created.context["secret"]
    listed = client.get(reverse("partners:tokens"))
    token = ApiToken.objects.get(membership=owner_a)
    revoked = client.post(reverse("partners:token-revoke", args=[token.pk]))

    assert created.status_code == 200 and secret in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert secret not in listed.content.decode() and token.prefix in listed.content.decode()
    assert revoked.status_code == 302
    assert ApiToken.objects.active().count() == 0


def test_a_member_may_not_revoke_anothers_token(world, owner_a, owner_b, client):
    token, _secret = tokens.api_token_create(actor=owner_b, name="B")
    client.force_login(owner_a.user)

    assert client.post(reverse("partners:token-revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.active().filter(pk=token.pk).exists()


def test_a_token_name_is_required_and_bounded(world, owner_a, client):
    client.force_login(owner_a.user)

    response = client.post(reverse("partners:tokens"), {"name": "x" * 81})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", [{"digest": "d" * 100_000}, {"digest": "a\x00b"}, {"digest": ["x"]}, {}])
def test_bad_accept_input_is_a_400(world, owner_a, body):
    client, _token = token_client(owner_a)

    response = client.post(f"{API}/campaigns/{world['campaign_a'].pk}/accept/", body, format="json")

    assert response.status_code == 400
    assert not AgreementEvent.objects.exists()


def test_a_full_update_by_a_manager_goes_through_the_workspace_write(world, partner_a):
    client, _token = token_client(membership_of(partner_a, "manager"))
    course = world["course_a"]
    body = {"title_zh": "新课", "title_en": "New", "description_zh": "介绍", "description_en": "", "track": "art",
            "level": "beginner", "language": "zh", "price": "88.00", "currency": "CNY", "slug": "taken-over"}  # fmt: skip

    response = client.put(f"{API}/courses/{course.pk}/", body, format="json")

    assert response.status_code == 200, response.json()
    course.refresh_from_db()
    assert (course.title_zh, str(course.price), course.slug) == ("新课", "88.00", world["course_a"].slug)
    assert list(course.partners.all()) == [partner_a]


def test_a_session_write_needs_the_csrf_token(world, owner_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner_a.user)

    response = client.patch(f"{API}/courses/{world['course_a'].pk}/", {"title_zh": "x"}, format="json")

    assert response.status_code == 403
    assert Course.objects.get(pk=world["course_a"].pk).title_zh == "墨韵课程"


def test_a_partner_is_throttled_across_its_tokens(world, partner_a, partner_b, owner_b, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "partner": "3/min"})
    first, _ = token_client(membership_of(partner_a, "owner"))
    second, _ = token_client(membership_of(partner_a, "analyst"))
    other, _ = token_client(owner_b)

    codes = [client.get(f"{API}/courses/").status_code for client in (first, second, first, second)]

    assert codes == [200, 200, 200, 429]
    assert other.get(f"{API}/courses/").status_code == 200


def test_a_signed_in_member_naming_no_partner_works_in_the_workspaces_current_one(world, partner_b, owner_a):
    MembershipFactory(partner=partner_b, user=owner_a.user, role="analyst")
    client = APIClient()
    client.force_login(owner_a.user)
    client.post(reverse("partners:switch"), {"partner": str(partner_b.pk)})

    rows = client.get(f"{API}/courses/").json()["results"]

    assert [row["id"] for row in rows] == [world["course_b"].pk]


# ------------------------------------------------------------------------------ statements
def test_a_statement_is_listed_and_read_as_the_workspace_shows_it(world, owner_a):
    client, _token = token_client(owner_a)
    statement = world["statement_a"]

    listed = client.get(f"{API}/statements/").json()["results"]
    detail = client.get(f"{API}/statements/{statement.pk}/").json()

    assert [row["id"] for row in listed] == [statement.pk]
    assert detail["month"] == f"{statement.month:%Y-%m-%d}"
    assert detail["amount_due"] == str(statement.amount_due)
    assert detail["currency"] == statement.currency


@pytest.mark.parametrize("role", ["owner", "manager", "analyst"])
def test_the_statement_csv_is_the_workspaces_download(world, partner_a, owner_a, role, client):
    api, _token = token_client(membership_of(partner_a, role))
    statement = world["statement_a"]
    client.force_login(owner_a.user)

    response = api.get(f"{API}/statements/{statement.pk}/csv/")
    page = client.get(reverse("partners:statement-csv", args=[statement.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == page["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == b"".join(page.streaming_content)
    text = body.decode("utf-8-sig")
    assert "墨韵课程" in text and str(statement.amount_due) in text
    assert [secret for secret in B_SECRETS if secret in text] == []


@pytest.mark.parametrize("path", ["statements/{a}/csv/", "statements/{a}/"])
def test_an_instructor_token_is_refused_the_statements(world, partner_a, path):
    client, _token = token_client(membership_of(partner_a, "instructor"))

    response = client.get(f"{API}/{path.format(a=world['statement_a'].pk)}")

    assert response.status_code == 403


@pytest.mark.parametrize("path", ["statements/99999999999999999999999/csv/", "statements/9223372036854775808/",
                                  "statements/1.5/csv/", "statements/x/csv/"])  # fmt: skip
def test_odd_statement_ids_are_404(world, owner_a, path):
    client, _token = token_client(owner_a)

    assert client.get(f"{API}/{path}").status_code == 404


def test_a_statement_download_costs_a_fixed_number_of_queries(world, owner_a, partner_a, django_assert_max_num_queries):
    client, _token = token_client(owner_a)
    statement = world["statement_a"]
    client.get(f"{API}/statements/")  # the token's last use is written once a minute: not in the count

    # Authentication (1), the statement with its partner (1), its lines by course and campaign (3).
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/statements/{statement.pk}/csv/")
        b"".join(response.streaming_content)

    assert response.status_code == 200
