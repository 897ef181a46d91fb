"""An idempotency key belongs to one respondent: another person's key never returns their response."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from surveys.models import Response
from tests.factories import SurveyFactory
from tests.surveys.test_surveys import API, form_data

pytestmark = pytest.mark.django_db


def api_body(survey, *, likert: int, art: str) -> dict:
    likert_q, art_q, _ = survey.questions.all()
    return {"answers": {str(likert_q.pk): likert, str(art_q.pk): art_q.choices.get(label_en=art).pk}}


def test_a_learner_sending_another_learners_key_stores_their_own_answers(api_client, learner, other_learner):
    survey = SurveyFactory()
    url = f"{API}/{survey.slug}/responses/"
    api_client.force_authenticate(other_learner)
    theirs = api_client.post(url, api_body(survey, likert=5, art="Yes"), format="json", HTTP_IDEMPOTENCY_KEY="bob-key")
    api_client.force_authenticate(learner)

    mine = api_client.post(url, api_body(survey, likert=1, art="No"), format="json", HTTP_IDEMPOTENCY_KEY="bob-key")

    assert mine.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert (mine.json()["wants_knowledge"], mine.json()["wants_art"]) == (False, False)
    assert Response.objects.get(pk=mine.json()["id"]).respondent == learner


def test_an_anonymous_client_sending_a_learners_key_gets_its_own_response(api_client, other_learner):
    survey = SurveyFactory()
    url = f"{API}/{survey.slug}/responses/"
    api_client.force_authenticate(other_learner)
    theirs = api_client.post(url, api_body(survey, likert=5, art="Yes"), format="json", HTTP_IDEMPOTENCY_KEY="bob-key")

    anonymous = Client()
    mine = anonymous.post(url, api_body(survey, likert=1, art="No"), content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="bob-key")  # fmt: skip

    assert mine.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert Response.objects.get(pk=mine.json()["id"]).respondent is None


def test_an_anonymous_api_retry_from_the_same_client_is_idempotent():
    survey = SurveyFactory()
    url = f"{API}/{survey.slug}/responses/"
    client = Client()
    body = api_body(survey, likert=5, art="Yes")

    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_two_anonymous_visitors_with_one_key_on_the_page_each_keep_their_answers():
    survey = SurveyFactory()
    first, second = Client(), Client()
    first.get(survey.get_absolute_url())
    second.get(survey.get_absolute_url())

    first.post(survey.get_absolute_url(), form_data(survey, likert=5, art="Yes", key="shared"))
    second.post(survey.get_absolute_url(), form_data(survey, likert=1, art="No", key="shared"))

    stored = sorted(Response.objects.values_list("wants_knowledge", "wants_art"))
    assert stored == [(False, False), (True, True)]


def test_a_learner_on_the_page_with_an_anonymous_key_stores_their_own_answers(client, learner):
    survey = SurveyFactory()
    Client().post(survey.get_absolute_url(), form_data(survey, likert=5, art="Yes", key="shared"))
    client.force_login(learner)

    assert (
        client.post(survey.get_absolute_url(), form_data(survey, likert=1, art="No", key="shared")).status_code == 302
    )
    assert Response.objects.get(respondent=learner).wants_art is False


def test_a_forged_respondent_cookie_is_not_anyone_s_scope():
    survey = SurveyFactory()
    victim = Client()
    victim.get(survey.get_absolute_url())
    victim.post(survey.get_absolute_url(), form_data(survey, likert=5, art="Yes", key="k"))
    forger = Client()
    # The victim's token without its signature (a cookie value seen unsigned in a log, say).
    forger.cookies["survey_respondent"] = victim.cookies["survey_respondent"].value.split(":")[0]

    forger.post(survey.get_absolute_url(), form_data(survey, likert=1, art="No", key="k"))

    assert Response.objects.count() == 2


def test_the_database_scopes_the_key_to_the_respondent(learner, other_learner):
    survey = SurveyFactory()
    Response.objects.create(
        survey=survey, respondent=learner, respondent_scope=f"user:{learner.pk}", idempotency_key="k"
    )
    Response.objects.create(
        survey=survey, respondent=other_learner, respondent_scope=f"user:{other_learner.pk}", idempotency_key="k"
    )
    Response.objects.create(survey=survey, respondent_scope="anon:t1", idempotency_key="k")

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, respondent_scope="anon:t1", idempotency_key="k")
