"""The OpenAPI schema is the truth: schemathesis calls every operation of /api/schema/ in-process.

As an anonymous caller, a learner and a manager (token auth), with valid and invalid inputs: no
answer is a 500, and every answer's status, content type and body are the ones the schema
documents. Path parameters name a seeded object half the time, so detail endpoints answer from
real rows as well as 404s. Examples per operation are bounded and derandomized: the run is the
same on every machine and stays within a few minutes on two cores.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courses import services
from courses.models import Enrollment
from courses.payments.sandbox import SandboxProvider
from learning import assignments, qa_services
from learning import services as learning_services
from partners.statements import month_start, statements_issue
from partners.tokens import api_token_create
from platform_site.celery import app as celery_app
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    CouponFactory,
    CourseFactory,
    ManagerFactory,
    MembershipFactory,
    OrderFactory,
    SurveyFactory,
    TrackedLinkFactory,
    UserFactory,
)
from tests.learning.artwork_helpers import jpeg

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load_schema() -> schemathesis.schemas.BaseSchema:
    """The schema that /api/schema/ serves (same generator), bound to the WSGI app for the calls.

    Built at collection, where the database is out of reach: the generator reads no row.
    """
    from drf_spectacular.generators import SchemaGenerator

    from platform_site.wsgi import application

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _wsgi_keeps_the_test_connection(db):
    # Django's test client keeps the test's connection (and its transaction) across requests;
    # a bare WSGI call would close it at the end of each request, as in production.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    # The refresh endpoints really queue their tasks: leave no stale message for a later worker test.
    celery_app.control.purge()


def test_the_served_schema_is_the_one_tested(client) -> None:
    from drf_spectacular.generators import SchemaGenerator

    served = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert served == SchemaGenerator().get_schema(request=None, public=True)
    assert len(list(schema.get_all_operations())) == sum(
        1
        for methods in served["paths"].values()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )


@pytest.fixture
def seeded(db):
    """A small catalogue, a campaign with a channel, link and coupon, a survey, and orders."""
    learner = UserFactory(username="alice")
    manager = ManagerFactory(username="manager")
    paid, free = CourseFactory(slug="watercolor"), CourseFactory(slug="open-course", price=Decimal("0"))
    CourseFactory(slug="draft-course", status="draft")
    campaign = CampaignFactory(slug="spring")
    link = TrackedLinkFactory(channel=ChannelFactory(campaign=campaign))
    coupon = CouponFactory(campaign=campaign)
    SurveyFactory(slug="demand", campaign=campaign)
    pending = OrderFactory(learner=learner, course=paid)
    done = OrderFactory(learner=learner, course=campaign.art_courses.get())
    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(done)))
    enrollment = Enrollment.objects.create(learner=learner, course=free)
    lessons = list(paid.lessons.values_list("pk", flat=True))
    bought = campaign.art_courses.get()
    learning_services.lesson_mark_done(learner=learner, lesson=bought.lessons.order_by("position")[0])
    review, _ = learning_services.review_save(learner=learner, course=bought, rating=4, text="好课")
    # A question with an answer and a submitted work under the bought course's first lesson.
    first_lesson = bought.lessons.order_by("position")[0]
    question = qa_services.question_ask(author=learner, lesson=first_lesson, text="怎么调色?")
    answer = qa_services.answer_post(author=learner, question=question, text="多练习")
    assignment = assignments.assignment_save(
        lesson=first_lesson, brief_zh="画竹子", rubric=[{"name_zh": "构图", "max_points": 10}]
    )
    work = assignments.submission_create(learner=learner, assignment=assignment, images=[jpeg()])
    ids = [link.pk, link.channel_id, coupon.pk, enrollment.pk, review.pk, *lessons, question.pk, answer.pk, work.pk]
    real = {
        "/api/v1/courses/{slug}/": ["watercolor", "open-course", "draft-course", bought.slug],
        "/api/v1/marketing/campaigns/{slug}/": ["spring"],
        "/api/v1/marketing/surveys/{slug}/": ["demand"],
        "/api/v1/orders/{number}/": [str(pending.number), str(done.number)],
        "/api/v1/lessons/": [first_lesson.pk],  # lesson_id of its questions and submissions
        "/api/v1/submissions/": [work.images.get().pk],  # image_id
        "id": ids,
        "new_status": ["running", "paused", "ended"],
    }
    # A partner's owner with an API token, over the campaign's knowledge side and its orders.
    side = campaign.partner_shares.select_related("partner").get(side="knowledge")
    owner = MembershipFactory(partner=side.partner, user=UserFactory(username="partner-owner"), role="owner")
    done.course.partners.add(side.partner)
    # Its statement of this month (issued as if the month had ended), so statements answer from a real row.
    issued = statements_issue(month=month_start(timezone.localdate()), now=timezone.now() + timedelta(days=32))
    real["/api/v1/partner/"] = [campaign.pk, done.pk, done.course_id, enrollment.pk, *(s.pk for s in issued)]
    tokens = {
        "anonymous": None,
        "learner": f"Token {Token.objects.create(user=learner).key}",
        "manager": f"Token {Token.objects.create(user=manager).key}",
        "partner": f"Bearer {api_token_create(actor=owner, name='schema', scope='read_write')[1]}",
    }
    return real, tokens


def _real_value(real: dict, path: str, name: str) -> list:
    if path.startswith("/api/v1/partner/"):
        return real["/api/v1/partner/"]
    if name in ("id", "pk", "new_status"):
        return real["new_status" if name == "new_status" else "id"]
    return next((values for prefix, values in real.items() if path.startswith(prefix.split("{")[0])), [])


def _as(role: str):
    @schema.parametrize()
    @schema.given(data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case, data, seeded) -> None:
        real, tokens = seeded
        for name in case.path_parameters or {}:
            values = _real_value(real, case.operation.path, name)
            if values and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(values), label=name)
        headers = {"Authorization": tokens[role]} if tokens[role] else {}
        case.call_and_validate(headers=headers, checks=CHECKS)

    return test


test_every_operation_as_anonymous = _as("anonymous")
test_every_operation_as_learner = _as("learner")
test_every_operation_as_manager = _as("manager")
test_every_operation_as_partner_owner = _as("partner")


def _component(name: str, direction: str = "") -> dict:
    return schema.raw_schema["components"]["schemas"][name + direction]


def test_fields_that_read_back_null_are_nullable_in_responses_only() -> None:
    assert _component("Lesson")["properties"]["body_zh"]["nullable"] is True
    assert "nullable" not in _component("Lesson", "Request")["properties"]["body_zh"]
    assert _component("Enrollment")["properties"]["order"]["nullable"] is True
    assert _component("TrainingJob")["properties"]["model_version"]["nullable"] is True
    assert _component("TaggingJob")["properties"]["model_version"]["nullable"] is True


def test_public_reads_are_documented_as_needing_no_credentials() -> None:
    paths = schema.raw_schema["paths"]
    assert {} in paths["/api/v1/courses/"]["get"]["security"]
    assert {} in paths["/api/v1/lessons/{id}/"]["get"]["security"]
    assert {} not in paths["/api/v1/courses/"]["post"]["security"]
    assert {} not in paths["/api/v1/orders/"]["get"]["security"]
    assert {} in paths["/api/v1/courses/{course_slug}/reviews/"]["get"]["security"]
    assert {} not in paths["/api/v1/courses/{course_slug}/reviews/"]["post"]["security"]
    assert paths["/api/v1/partner/orders/"]["get"]["security"] == [{"partnerToken": []}, {"cookieAuth": []}]


def test_partner_paths_take_integer_ids() -> None:
    paths = {path: ops for path, ops in schema.raw_schema["paths"].items() if path.startswith("/api/v1/partner/")}
    typed = {
        (path, param["name"]): param["schema"]["type"]
        for path, ops in paths.items()
        for op in ops.values()
        if isinstance(op, dict)
        for param in op.get("parameters", [])
        if param["in"] == "path"
    }
    # courses (and their lessons, reorder, publish), lessons (and media), publish requests, orders,
    # enrollments, campaigns (and accept), members, statements (csv, pdf)
    assert len(paths) == 20
    assert typed and set(typed.values()) == {"integer"}


def test_every_operation_documents_the_error_shape() -> None:
    error = {"$ref": "#/components/schemas/Error"}
    assert set(_component("Error")["required"]) == {"message", "code", "extra"}
    for methods in schema.raw_schema["paths"].values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status in ("400", "401", "403", "429"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == error
    refresh = schema.raw_schema["paths"]["/api/v1/marketing/campaigns/{slug}/refresh-stats/"]["post"]
    assert "503" in refresh["responses"]


def test_an_api_path_that_matches_no_route_answers_with_the_error_shape(client) -> None:
    response = client.get("/api/v1/lessons/1.5/")
    assert response.status_code == 404
    assert response.json() == {"message": "未找到。", "code": "not_found", "extra": {}}


def test_a_page_that_matches_no_route_is_still_the_site_page(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("starts_at", ["0139-11-23T06:02:07+08:00", "1899-12-31T23:00:00Z", "9999-12-31T12:00:00Z"])
def test_campaign_dates_outside_the_rfc_3339_safe_range_are_refused(as_user, starts_at) -> None:
    body = {
        "slug": "edge",
        "name_zh": "活动",
        "name_en": "Edge",
        "starts_at": starts_at,
        "ends_at": "2030-01-01T00:00:00Z",
    }
    response = as_user("manager").post("/api/v1/marketing/campaigns/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"starts_at"}
