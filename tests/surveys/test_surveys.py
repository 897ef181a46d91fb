from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from surveys.models import Response, Survey
from tests.factories import SurveyFactory, TrackedLinkFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/marketing/surveys"


def form_data(survey: Survey, *, likert: int | None = 5, art: str = "Yes", key: str = "k1", c: str = "") -> dict:
    questions = {q.position: q for q in survey.questions.prefetch_related("choices")}
    choice = next(ch for ch in questions[2].choices.all() if ch.label_en == art)
    data = {f"q{questions[2].pk}": str(choice.pk), "idempotency_key": key, "c": c}
    if likert is not None:
        data[f"q{questions[1].pk}"] = str(likert)
    return data


def test_answers_are_stored_with_the_wants_they_show(client):
    survey = SurveyFactory()
    response = client.post(survey.get_absolute_url(), form_data(survey, likert=4, art="No"))
    assert response.status_code == 302
    stored = Response.objects.get()
    assert (stored.wants_knowledge, stored.wants_art, stored.answers.count()) == (True, False, 2)


def test_missing_required_answer_gets_a_message_beside_the_field(client):
    survey = SurveyFactory()
    response = client.post(survey.get_absolute_url(), form_data(survey, likert=None))
    assert response.status_code == 400
    likert = survey.questions.get(position=1)
    assert f"q{likert.pk}" in response.context["form"].errors
    assert not Response.objects.exists()


def test_a_double_click_stores_one_response(client):
    survey = SurveyFactory()
    client.post(survey.get_absolute_url(), form_data(survey))
    client.post(survey.get_absolute_url(), form_data(survey))
    assert Response.objects.count() == 1


def test_a_closed_survey_refuses_answers_clearly(client):
    survey = SurveyFactory(closes_at=timezone.now() - timedelta(minutes=1), opens_at=timezone.now() - timedelta(days=2))
    response = client.post(survey.get_absolute_url(), form_data(survey))
    assert response.status_code == 410
    assert "问卷已结束，不再接受作答。" in response.content.decode()  # the pages speak Chinese by default
    assert not Response.objects.exists()


def test_a_survey_link_with_a_tracked_code_attributes_the_response(client):
    link = TrackedLinkFactory()
    survey = SurveyFactory()
    page = client.get(survey.get_absolute_url(), {"c": link.code}).content.decode()
    assert f'value="{link.code}"' in page
    client.post(survey.get_absolute_url(), form_data(survey, c=link.code))
    stored = Response.objects.get()
    assert (stored.campaign, stored.channel) == (link.channel.campaign, link.channel)


def test_anonymous_submissions_are_throttled(client, settings):
    settings.SURVEY_ANONYMOUS_PER_HOUR = 2
    survey = SurveyFactory()
    statuses = [client.post(survey.get_absolute_url(), form_data(survey, key=f"k{i}")).status_code for i in range(3)]
    assert statuses == [302, 302, 400]
    assert Response.objects.count() == 2


def test_surveys_without_anonymous_answers_ask_to_log_in(client, learner):
    survey = SurveyFactory(allow_anonymous=False)
    assert client.get(survey.get_absolute_url()).status_code == 403
    client.force_login(learner)
    assert client.post(survey.get_absolute_url(), form_data(survey)).status_code == 302
    assert Response.objects.get().respondent == learner


def test_api_answers_with_field_errors_keyed_by_question(api_client):
    survey = SurveyFactory()
    likert, art, _ = survey.questions.all()
    bad = api_client.post(f"{API}/{survey.slug}/responses/", {"answers": {str(likert.pk): 9}}, format="json",
                          HTTP_IDEMPOTENCY_KEY="a1")  # fmt: skip
    assert bad.status_code == 400
    assert set(bad.json()["extra"]["fields"]) == {str(likert.pk), str(art.pk)}

    yes = art.choices.get(label_en="Yes")
    body = {"answers": {str(likert.pk): 2, str(art.pk): yes.pk}}
    first = api_client.post(f"{API}/{survey.slug}/responses/", body, format="json", HTTP_IDEMPOTENCY_KEY="a2")
    again = api_client.post(f"{API}/{survey.slug}/responses/", body, format="json", HTTP_IDEMPOTENCY_KEY="a2")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["wants_art"] is True and first.json()["wants_knowledge"] is False
    assert Response.objects.count() == 1


def test_api_needs_an_idempotency_key(api_client):
    survey = SurveyFactory()
    response = api_client.post(f"{API}/{survey.slug}/responses/", {"answers": {}}, format="json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["extra"]["fields"]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("learner_a", 403), ("manager", 200)])
def test_responses_are_for_managers(as_user, who, status):
    assert as_user(who).get("/api/v1/marketing/responses/").status_code == status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submits_with_one_key_store_one_response():
    survey = SurveyFactory()
    data = form_data(survey, key="same")
    # One browser submitting ten times at once: every request carries its respondent cookie.
    browser = Client()
    browser.get(survey.get_absolute_url())

    def submit(_: int) -> int:
        client = Client()
        client.cookies = browser.cookies
        try:
            return client.post(survey.get_absolute_url(), data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(submit, range(10)))

    assert set(statuses) == {302}
    assert Response.objects.count() == 1


def test_results_page_summarises_each_question_and_filters_by_campaign(client, manager):
    from django.urls import reverse

    link = TrackedLinkFactory()
    survey = SurveyFactory()
    client.post(survey.get_absolute_url(), form_data(survey, likert=5, art="Yes", key="a", c=link.code))
    client.post(survey.get_absolute_url(), form_data(survey, likert=2, art="No", key="b"))
    client.force_login(manager)
    url = reverse("admin:surveys_survey_results", args=[survey.pk])

    everything = client.get(url)
    one_campaign = client.get(url, {"campaign": link.channel.campaign.pk})
    csv_body = b"".join(client.get(reverse("admin:surveys_survey_responses_csv", args=[survey.pk])).streaming_content)

    assert everything.context["responses"] == 2 and one_campaign.context["responses"] == 1
    likert, art, _ = everything.context["summaries"]
    assert (likert["count"], float(likert["mean"])) == (2, 3.5)
    assert [(choice.label_en, n) for choice, n, _ in art["choices"]] == [("Yes", 1), ("No", 1)]
    assert csv_body.decode().count("\n") == 3


def test_nps_is_promoters_minus_detractors():
    from surveys import selectors
    from surveys.models import Question

    survey = SurveyFactory()
    nps = Question.objects.create(survey=survey, position=4, text_zh="推荐意愿", kind="nps", required=False)
    from surveys import services

    for i, score in enumerate([10, 9, 8, 3]):
        services.survey_submit(
            survey=survey, respondent=None, answers={nps: score}, idempotency_key=f"n{i}", respondent_token=f"t{i}"
        )
    summary = selectors.survey_results(survey=survey)["summaries"][3]
    assert summary["nps"] == 25.0  # (2 promoters - 1 detractor) / 4


def _subjects_question(survey: Survey):
    from surveys.models import Choice, Question

    question = Question.objects.create(survey=survey, position=4, text_zh="想学哪些", kind="multiple", required=False)
    art = Choice.objects.create(question=question, position=1, label_zh="艺术", label_en="Art")
    none = Choice.objects.create(
        question=question, position=2, label_zh="都不感兴趣", label_en="Not interested", exclusive=True
    )
    return question, art, none


def test_an_exclusive_choice_is_refused_with_another_at_its_field(client):
    survey = SurveyFactory()
    question, art, none = _subjects_question(survey)
    data = form_data(survey) | {f"q{question.pk}": [str(art.pk), str(none.pk)]}
    response = client.post(survey.get_absolute_url(), data)
    assert response.status_code == 400
    assert "“都不感兴趣”不能与其他答案同时选择。" in response.context["form"].errors[f"q{question.pk}"]
    assert not Response.objects.exists()
    page = client.get(survey.get_absolute_url()).content.decode()
    assert f'data-exclusive="{none.pk}"' in page and "js/survey.js" in page
    assert client.post(survey.get_absolute_url(), data | {f"q{question.pk}": [str(none.pk)]}).status_code == 302


def test_scales_have_end_labels_in_the_page_language(client):
    survey = SurveyFactory()
    likert = survey.questions.get(position=1)
    page = client.get(survey.get_absolute_url()).content.decode()
    assert f'data-testid="q{likert.pk}-ends"><span>完全不同意</span><span>完全同意</span>' in page
    client.cookies["django_language"] = "en"
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "<span>Strongly disagree</span><span>Strongly agree</span>" in page


def test_a_learner_who_answered_is_told_so_before_the_form(client, django_user_model):
    survey = SurveyFactory()
    user = django_user_model.objects.create_user(username="ans", password="pw-12345-long")
    client.force_login(user)
    assert client.post(survey.get_absolute_url(), form_data(survey)).status_code == 302
    page = client.get(survey.get_absolute_url()).content.decode()
    assert 'data-testid="survey-already"' in page and "send my answers" not in page.lower()
    assert "idempotency_key" not in page


def test_responses_csv_opens_in_a_chinese_spreadsheet(client, manager):
    import csv
    import io

    from django.urls import reverse
    from django.utils import timezone

    from surveys.models import Response

    link = TrackedLinkFactory()
    survey = SurveyFactory()
    client.post(survey.get_absolute_url(), form_data(survey, likert=5, art="Yes", key="a", c=link.code))
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    body = b"".join(
        client.get(reverse("admin:surveys_survey_responses_csv", args=[survey.pk])).streaming_content
    ).decode("utf-8")
    _header, row = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    response = Response.objects.get()
    assert body.startswith("\ufeff")
    assert row[1] == timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M:%S")
    assert row[3] == link.channel.campaign.name_zh  # a title, not the slug
    assert link.channel.campaign.slug not in body
