"""Malformed input gets a 400 that says why, never a 500 (the inputs of issue 11, item 7)."""

import pytest
from django.db import connection

from tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
NESTED = "[" * 1000 + "]" * 1000


def post_json(client, path: str, body: str):
    return client.post(path, body, content_type="application/json")


@pytest.mark.parametrize("path", ["marketing/surveys/{survey}/responses/", "marketing/scores/calculate/", "orders/"])
def test_json_nested_a_thousand_levels_deep_is_a_400(as_user, path):
    client = as_user("learner_a")
    survey = SurveyFactory()

    response = post_json(client, f"{API}/{path.format(survey=survey.slug)}", NESTED)

    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "extra"}


def test_a_deep_object_body_is_refused_before_the_view(as_user):
    body = '{"a":' * 40 + "1" + "}" * 40

    response = post_json(as_user("learner_a"), f"{API}/orders/", body)

    assert response.status_code == 400
    assert "32" in response.json()["message"]


@pytest.mark.parametrize(
    "path", [f"{API}/courses/a%00b/", f"{API}/marketing/surveys/a%00b/", "/courses/a%00b/", "/surveys/a%00b/"]
)
def test_a_nul_in_a_path_is_a_400(client, path):
    response = client.get(path)

    assert response.status_code == 400


def test_a_nul_in_a_query_is_a_400(client):
    assert client.get(f"{API}/courses/?track=a%00b").status_code == 400


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("orders/", {"course": "a\x00b"}),
        ("enrollments/", {"course": "a\x00b"}),
        ("me/referral-links/", {"campaign": "a\x00b"}),
        ("courses/", {"slug": "x", "partners": ["a\x00b"]}),
        ("marketing/campaigns/", {"slug": "x", "knowledge_courses": ["a\x00b"]}),
        ("lessons/", {"course": "a\x00b"}),
    ],
)
@pytest.mark.parametrize("as_form", [False, True])
def test_a_nul_in_a_body_is_a_400(as_user, path, body, as_form):
    client = as_user("manager")

    response = client.post(f"{API}/{path}", body, format="multipart" if as_form else "json")

    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "extra"}


def test_a_huge_e_on_the_calculator_is_a_field_error(api_client):
    response = post_json(api_client, f"{API}/marketing/scores/calculate/", '{"e": 1e200}')

    assert response.status_code == 400
    assert "e" in response.json()["extra"]["fields"]


@pytest.mark.postgres
def test_a_database_data_error_is_a_400_not_a_500(as_user, monkeypatch):
    from courses.api import views

    def refuse(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int", ["not a number"])

    monkeypatch.setattr(views.CourseViewSet, "list", refuse)

    response = as_user("learner_a").get(f"{API}/courses/")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
