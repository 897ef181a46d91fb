"""One limit on anonymous answers, for pages and API together, keyed on the real client."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from surveys.models import Response
from tests.factories import SurveyFactory
from tests.surveys.test_respondent_scope import api_body
from tests.surveys.test_surveys import API, form_data

pytestmark = pytest.mark.django_db


def test_the_api_and_the_page_share_one_limit_that_a_rotating_forwarded_for_does_not_dodge(settings):
    settings.SURVEY_ANONYMOUS_PER_HOUR = 4
    settings.TRUSTED_PROXY_COUNT = 0
    survey = SurveyFactory()
    url = f"{API}/{survey.slug}/responses/"
    outcomes = []
    for n in range(6):
        # A fresh client each time (no cookie kept) and a new forged address each time.
        client, forged = Client(REMOTE_ADDR="198.51.100.7"), {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"}
        if n % 2 == 0:
            answer = client.post(url, api_body(survey, likert=5, art="Yes"), content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY=f"k{n}", **forged)  # fmt: skip
            outcomes.append(answer.status_code)
        else:
            page = client.post(survey.get_absolute_url(), form_data(survey, key=f"k{n}"), **forged)
            outcomes.append(
                "form error"
                if page.status_code == 400 and page.context["form"].non_field_errors()
                else page.status_code
            )

    assert outcomes == [201, 302, 201, 302, 429, "form error"]
    assert Response.objects.count() == 4


def test_a_refused_api_answer_says_when_to_retry(settings):
    settings.SURVEY_ANONYMOUS_PER_HOUR = 0
    survey = SurveyFactory()

    refused = Client().post(f"{API}/{survey.slug}/responses/", api_body(survey, likert=5, art="Yes"),
                            content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip

    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_answers"
    assert 0 < int(refused["Retry-After"]) <= 3600


def test_behind_one_trusted_proxy_clients_are_counted_apart(settings):
    settings.SURVEY_ANONYMOUS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    survey = SurveyFactory()
    url = f"{API}/{survey.slug}/responses/"

    def answer(address: str, key: str) -> int:
        return Client(REMOTE_ADDR="10.0.0.2").post(url, api_body(survey, likert=5, art="Yes"),
                    content_type="application/json", HTTP_IDEMPOTENCY_KEY=key,
                    HTTP_X_FORWARDED_FOR=address).status_code  # fmt: skip

    assert [answer("198.51.100.1", "a"), answer("198.51.100.2", "b"), answer("6.6.6.6, 198.51.100.1", "c")] == [
        201,
        201,
        429,
    ]


def test_a_retry_of_a_stored_answer_is_not_counted_again(settings):
    settings.SURVEY_ANONYMOUS_PER_HOUR = 1
    survey = SurveyFactory()
    client = Client()
    body = api_body(survey, likert=5, art="Yes")
    url = f"{API}/{survey.slug}/responses/"

    statuses = [
        client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k").status_code for _ in range(3)
    ]

    assert statuses == [201, 200, 200]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_anonymous_answers_on_redis_store_exactly_the_limit(settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    from django.core.cache import cache

    cache.clear()
    settings.SURVEY_ANONYMOUS_PER_HOUR = 5
    survey = SurveyFactory()
    url = f"{API}/{survey.slug}/responses/"
    body = api_body(survey, likert=5, art="Yes")

    def answer(n: int) -> int:
        try:
            return Client().post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k{n}",
                                 HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code  # fmt: skip
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(answer, range(20)))

    assert (statuses.count(201), statuses.count(429)) == (5, 15)
    assert Response.objects.count() == 5
