import warnings

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from courses import services
from courses.models import Course, Order
from courses.payments.sandbox import SandboxProvider
from tests.factories import CourseFactory, OrderFactory, PartnerFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def order_of_a(learner, course):
    return services.order_checkout(learner=learner, course=course)[0]


# ------------------------------------------------------------------------------ permission matrix
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 200), ("learner_a", 200), ("learner_b", 200), ("manager", 200)]
)
def test_everyone_reads_published_courses(as_user, course, who, status):
    response = as_user(who).get(f"{API}/courses/")
    assert response.status_code == status
    assert [row["slug"] for row in response.json()["results"]] == [course.slug]


@pytest.mark.parametrize(("who", "visible"), [("anonymous", False), ("learner_a", False), ("manager", True)])
def test_only_managers_see_draft_courses(as_user, who, visible):
    draft = CourseFactory(status="draft")
    assert (as_user(who).get(f"{API}/courses/{draft.slug}/").status_code == 200) is visible


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("learner_a", 403), ("manager", 201)])
def test_only_managers_create_courses(as_user, who, status):
    partner = PartnerFactory()
    payload = {
        "slug": "new-course", "title_zh": "新课", "description_zh": "介绍", "track": "art",
        "price": "99.00", "partners": [partner.slug],
    }  # fmt: skip
    response = as_user(who).post(f"{API}/courses/", payload, format="json")
    assert response.status_code == status
    assert Course.objects.filter(slug="new-course").exists() is (status == 201)


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("learner_a", 403), ("manager", 200)])
def test_only_managers_publish_and_archive(as_user, course, who, status):
    assert as_user(who).post(f"{API}/courses/{course.slug}/archive/").status_code == status


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [("anonymous", 401, None), ("learner_a", 200, 1), ("learner_b", 200, 0), ("manager", 200, 1)],
)
def test_order_list_shows_only_own_orders(as_user, order_of_a, who, status, count):
    response = as_user(who).get(f"{API}/orders/")
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("learner_a", 200), ("learner_b", 404), ("manager", 200)]
)
def test_order_detail_of_another_learner_is_not_found(as_user, order_of_a, who, status):
    assert as_user(who).get(f"{API}/orders/{order_of_a.number}/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("learner_a", 200), ("learner_b", 404), ("manager", 403)]
)
def test_only_the_learner_cancels_an_order(as_user, order_of_a, who, status):
    assert as_user(who).post(f"{API}/orders/{order_of_a.number}/cancel/").status_code == status
    assert Order.objects.get(pk=order_of_a.pk).status == ("cancelled" if status == 200 else "pending")


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("learner_a", 403), ("learner_b", 403), ("manager", 200)]
)
def test_only_managers_refund(as_user, order_of_a, who, status):
    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order_of_a)))
    assert as_user(who).post(f"{API}/orders/{order_of_a.number}/refund/").status_code == status


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [("anonymous", 401, None), ("learner_a", 200, 1), ("learner_b", 200, 0), ("manager", 200, 1)],
)
def test_enrollment_list_shows_only_own_enrollments(as_user, learner, free_course, who, status, count):
    services.enrollment_create_free(learner=learner, course=free_course)
    response = as_user(who).get(f"{API}/enrollments/")
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("who", "locked"), [("anonymous", True), ("learner_b", True), ("learner_a", False), ("manager", False)]
)
def test_lesson_bodies_are_hidden_unless_enrolled(as_user, learner, course, who, locked):
    services.enrollment_create_free(learner=learner, course=CourseFactory(price=0))
    from courses.models import Enrollment

    Enrollment.objects.create(learner=learner, course=course)
    rows = as_user(who).get(f"{API}/lessons/", {"course__slug": course.slug}).json()["results"]
    preview, *rest = rows
    assert preview["body_zh"] is not None
    assert all((row["body_zh"] is None) is locked for row in rest)


# ------------------------------------------------------------------------------ writes and validation
def test_order_create_ignores_mass_assigned_fields(as_user, learner, other_learner, course):
    payload = {"course": course.slug, "status": "paid", "amount": "0.01", "learner": other_learner.pk}
    response = as_user("learner_a").post(f"{API}/orders/", payload, format="json")

    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.learner, order.status, order.amount) == (learner, "pending", course.price)
    assert response.json()["payment_url"].endswith(f"/api/v1/orders/{order.number}/pay/")


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("learner_a", 200), ("learner_b", 404), ("manager", 403)]
)
def test_only_the_learner_starts_paying_an_order(as_user, order_of_a, who, status):
    response = as_user(who).post(f"{API}/orders/{order_of_a.number}/pay/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["checkout_url"].endswith(f"/pay/sandbox/{order_of_a.number}/")


def test_order_create_with_the_same_idempotency_key_returns_the_order(as_user, course):
    client = as_user("learner_a")
    first = client.post(f"{API}/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    second = client.post(f"{API}/orders/", {"course": course.slug}, format="json", HTTP_IDEMPOTENCY_KEY="abc")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]


def test_a_course_needs_a_partner(as_user):
    payload = {"slug": "new-course", "title_zh": "新课", "description_zh": "介绍", "track": "art", "price": "99.00",
               "partners": []}  # fmt: skip
    response = as_user("manager").post(f"{API}/courses/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["partners"] == ["A course needs at least one partner."]


def test_validation_errors_are_field_level_400s_in_one_shape(as_user):
    response = as_user("manager").post(f"{API}/courses/", {"price": "-1", "track": "poetry"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"price", "track", "slug", "title_zh", "partners"} <= set(body["extra"]["fields"])


def test_business_rule_errors_use_the_same_shape_in_the_callers_language(as_user, free_course):
    client = as_user("learner_a")
    english = client.post(f"{API}/orders/", {"course": free_course.slug}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post(f"{API}/orders/", {"course": free_course.slug}, format="json")

    assert english.status_code == chinese.status_code == 400
    assert english.json() == {"message": "This course is free; enroll directly.", "code": "course_is_free", "extra": {}}
    assert chinese.json()["message"] == "该课程免费，可直接报名。"


def test_unknown_course_slug_is_a_400_not_a_500(as_user):
    response = as_user("learner_a").post(f"{API}/orders/", {"course": "nope"}, format="json")
    assert response.status_code == 400
    assert "course" in response.json()["extra"]["fields"]


def test_invalid_filter_is_a_400(api_client, course):
    response = api_client.get(f"{API}/courses/", {"track": "poetry"})
    assert response.status_code == 400
    assert "track" in response.json()["extra"]["fields"]


def test_token_authentication(api_client, learner, course):
    OrderFactory(learner=learner, course=course)
    token = Token.objects.create(user=learner)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(f"{API}/orders/").json()["count"] == 1


def test_anonymous_requests_are_throttled(api_client, monkeypatch, course):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "9/min"})
    statuses = [api_client.get(f"{API}/courses/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api_client.get(f"{API}/courses/").json()["code"] == "throttled"


def test_openapi_schema_and_docs_are_served_offline(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs


@pytest.mark.parametrize("count", [5, 200])
def test_course_list_costs_the_same_queries_for_5_and_200_courses(api_client, django_assert_max_num_queries, count):
    partners = [PartnerFactory(), PartnerFactory()]
    for _ in range(count):
        CourseFactory(partners=partners, lessons=0)
    with django_assert_max_num_queries(4):  # count, page, partners, skills
        response = api_client.get(f"{API}/courses/", {"page_size": 100})
    assert len(response.json()["results"]) == min(count, 100)


def test_course_list_is_served_from_cache_until_a_course_changes(api_client, django_assert_max_num_queries, course):
    api_client.get(f"{API}/courses/")
    with django_assert_max_num_queries(0):
        assert api_client.get(f"{API}/courses/").json()["count"] == 1

    services.course_archive(course=course)

    assert api_client.get(f"{API}/courses/").json()["count"] == 0


def test_a_long_query_string_is_cached_under_a_short_key(api_client, course):
    """Any query a client sends maps to a key every cache backend accepts (memcached: 250 bytes)."""
    query = "track=knowledge&utm_campaign=" + "长" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        first = api_client.get(f"/api/v1/courses/?{query}")
        again = api_client.get(f"/api/v1/courses/?{query}")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
