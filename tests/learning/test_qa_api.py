"""/api/v1/lessons/<id>/questions/, /questions/<id>/..., /answers/<id>/...: lesson Q&A through the
page's services; the permission matrix of the `world` fixture, retries, limits and hostile input."""

import pytest
from rest_framework.test import APIClient

from learning import qa_services
from learning.models import Answer, QaReport, Question, QuestionFollow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
ERROR_SHAPE = {"message", "code", "extra"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def questions_url(lesson) -> str:
    return f"{API}/lessons/{lesson.pk}/questions/"


@pytest.fixture
def question(world):
    return qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="怎么调色?", timestamp=12)


def test_an_enrolled_learner_asks_and_a_retry_with_the_same_key_asks_once(world):
    client = client_for(world["learner_a"])
    body = {"text": "水太多怎么办?", "timestamp": 30}

    first = client.post(questions_url(world["lesson"]), body, format="json", HTTP_IDEMPOTENCY_KEY="ask-1")
    again = client.post(questions_url(world["lesson"]), body, format="json", HTTP_IDEMPOTENCY_KEY="ask-1")
    listed = client.get(questions_url(world["lesson"])).json()["results"]

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == Question.objects.get().pk
    assert [(q["text"], q["timestamp"], q["is_mine"], q["following"]) for q in listed] == [
        ("水太多怎么办?", 30, True, True)
    ]


def test_an_idempotency_key_reused_under_another_lesson_is_refused(world):
    client = client_for(world["learner_a"])
    other_lesson = world["course"].lessons.exclude(pk=world["lesson"].pk).get()
    client.post(questions_url(world["lesson"]), {"text": "一"}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    response = client.post(questions_url(other_lesson), {"text": "二"}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_reused"
    assert Question.objects.count() == 1


def test_the_instructor_answers_as_instructor_and_only_the_asker_accepts(world, question):
    answered = client_for(world["instructor"]).post(
        f"{API}/questions/{question.pk}/answers/", {"text": "少蘸水"}, format="json"
    )
    answer_id = answered.json()["id"]
    by_b = client_for(world["learner_b"]).post(f"{API}/answers/{answer_id}/accept/")
    by_a = client_for(world["learner_a"]).post(f"{API}/answers/{answer_id}/accept/")

    assert answered.status_code == 201 and answered.json()["is_instructor"] is True
    assert by_b.status_code == 403 and by_b.json()["code"] == "not_asker"
    assert by_a.status_code == 200 and by_a.json()["accepted_answer"] == answer_id
    assert by_a.json()["answers"][0]["is_accepted"] is True


def test_a_retried_answer_with_the_same_key_answers_once(world, question):
    client = client_for(world["learner_b"])
    url = f"{API}/questions/{question.pk}/answers/"

    statuses = [client.post(url, {"text": "试试"}, format="json", HTTP_IDEMPOTENCY_KEY="a1").status_code for _ in "12"]

    assert statuses == [201, 200]
    assert Answer.objects.count() == 1


def test_follow_and_unfollow_are_idempotent(world, question):
    client = client_for(world["learner_b"])
    url = f"{API}/questions/{question.pk}/follow/"

    followed = [client.post(url).json()["following"] for _ in "12"]
    rows = QuestionFollow.objects.filter(user=world["learner_b"]).count()
    unfollowed = [client.delete(url).json()["following"] for _ in "12"]

    assert (followed, rows, unfollowed) == ([True, True], 1, [False, False])


def test_a_second_report_changes_nothing_and_ones_own_post_is_not_reported(world, question):
    url = f"{API}/questions/{question.pk}/report/"

    first = client_for(world["learner_b"]).post(url, {"reason": "spam"}, format="json")
    second = client_for(world["learner_b"]).post(url, {"reason": "abuse"}, format="json")
    own = client_for(world["learner_a"]).post(url, {"reason": "spam"}, format="json")

    assert (first.json(), second.json()) == ({"created": True}, {"created": False})
    assert own.status_code == 400 and own.json()["code"] == "own_post"
    assert QaReport.objects.count() == 1


READ_MATRIX = [
    ("learner_a", 200),
    ("learner_b", 200),
    ("not_enrolled", 403),
    ("instructor", 200),
    ("other_instructor", 403),
    ("partner_manager", 200),
    ("platform_manager", 200),
]


@pytest.mark.parametrize(("who", "expected"), READ_MATRIX)
def test_who_reads_the_lessons_questions(world, question, who, expected):
    response = client_for(world[who]).get(questions_url(world["lesson"]))

    assert response.status_code == expected
    if expected == 200:
        assert [q["id"] for q in response.json()["results"]] == [question.pk]
    else:
        assert set(response.json()) == ERROR_SHAPE and "怎么调色" not in response.content.decode()


@pytest.mark.parametrize(("who", "expected"), [(who, 200 if code == 200 else 404) for who, code in READ_MATRIX])
def test_one_question_is_a_404_for_who_may_not_read_it(world, question, who, expected):
    assert client_for(world[who]).get(f"{API}/questions/{question.pk}/").status_code == expected


@pytest.mark.parametrize("who", ["not_enrolled", "other_instructor"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "questions/{q}/answers/", {"text": "x"}),
        ("post", "questions/{q}/follow/", None),
        ("delete", "questions/{q}/follow/", None),
        ("post", "questions/{q}/report/", {"reason": "spam"}),
        ("post", "answers/{a}/accept/", None),
        ("post", "answers/{a}/report/", {"reason": "spam"}),
    ],
)
def test_outsiders_writes_are_404s_and_change_nothing(world, question, who, method, path, body):
    answer = qa_services.answer_post(author=world["learner_b"], question=question, text="答")
    before = (Answer.objects.count(), QuestionFollow.objects.count(), QaReport.objects.count())

    response = getattr(client_for(world[who]), method)(
        f"{API}/{path.format(q=question.pk, a=answer.pk)}", body, format="json"
    )

    assert response.status_code == 404 and set(response.json()) == ERROR_SHAPE
    assert (Answer.objects.count(), QuestionFollow.objects.count(), QaReport.objects.count()) == before


def test_an_outsider_cannot_ask_and_a_visitor_must_sign_in(world):
    outsider = client_for(world["not_enrolled"]).post(questions_url(world["lesson"]), {"text": "?"}, format="json")
    visitor = APIClient().get(questions_url(world["lesson"]))

    assert outsider.status_code == 403 and outsider.json()["code"] == "not_enrolled"
    assert visitor.status_code == 401 and set(visitor.json()) == ERROR_SHAPE
    assert not Question.objects.exists()


def test_a_hidden_question_is_gone_from_the_list_and_its_detail(world, question):
    qa_services.post_hide(moderator=world["platform_manager"], post=question, reason="广告")
    client = client_for(world["learner_a"])

    assert client.get(questions_url(world["lesson"])).json()["results"] == []
    assert client.get(f"{API}/questions/{question.pk}/").status_code == 404
    assert client.post(f"{API}/questions/{question.pk}/answers/", {"text": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"text": "好", "timestamp": -1}, "timestamp"),
        ({"text": "好", "timestamp": 10**30}, "timestamp"),
        ({"text": "好", "timestamp": 24 * 3600 + 1}, "timestamp"),
        ({"text": "好", "timestamp": "soon"}, "timestamp"),
        ({"text": ["nested", {"a": [1]}]}, "text"),
        ({"text": {"a": {"b": "c"}}}, "text"),
    ],
    ids=["empty", "blank", "huge", "negative-timestamp", "huge-timestamp", "past-a-day", "word", "list", "object"],
)
def test_bad_questions_are_400s_at_the_field(world, body, field):
    response = client_for(world["learner_a"]).post(questions_url(world["lesson"]), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == ERROR_SHAPE and field in response.json()["extra"]["fields"]
    assert not Question.objects.exists()


def test_a_nul_and_deep_nesting_are_400s(world):
    client = client_for(world["learner_a"])
    url = questions_url(world["lesson"])

    nul = client.post(url, '{"text": "a\\u0000b"}', content_type="application/json")
    deep = client.post(url, "[" * 1000 + "]" * 1000, content_type="application/json")

    assert (nul.status_code, deep.status_code) == (400, 400)
    assert set(nul.json()) == set(deep.json()) == ERROR_SHAPE


@pytest.mark.parametrize(
    "path",
    [
        "lessons/99999999999999999999/questions/",
        "lessons/9223372036854775807/questions/",
        f"lessons/{'9' * 5000}/questions/",
        "questions/99999999999999999999/",
        f"questions/{'9' * 5000}/",
        "answers/0/accept/",
    ],
    ids=["past-a-bigint", "bigint-max", "5000-digits", "question-past-a-bigint", "question-5000-digits", "zero"],
)
def test_ids_out_of_range_or_unknown_are_404s(world, path):
    response = client_for(world["learner_a"]).post(f"{API}/{path}") if "accept" in path else None
    response = response or client_for(world["learner_a"]).get(f"{API}/{path}")

    assert response.status_code == 404 and set(response.json()) == ERROR_SHAPE


def test_posts_are_limited_per_hour_as_on_the_page_and_a_retry_costs_nothing(world, settings):
    settings.LEARNING_POSTS_PER_HOUR = 1
    client = client_for(world["learner_a"])
    url = questions_url(world["lesson"])

    first = client.post(url, {"text": "一"}, format="json", HTTP_IDEMPOTENCY_KEY="one")
    retried = client.post(url, {"text": "一"}, format="json", HTTP_IDEMPOTENCY_KEY="one")
    second = client.post(url, {"text": "二"}, format="json")

    assert (first.status_code, retried.status_code, second.status_code) == (201, 200, 429)
    assert second.json()["code"] == "posting_too_fast" and int(second["Retry-After"]) > 0


def test_the_list_costs_the_same_whatever_its_length(world, django_assert_max_num_queries):
    def add_questions(count: int) -> None:
        for number in range(count):
            asker = UserFactory()
            world["course"].enrollments.create(learner=asker)
            question = qa_services.question_ask(author=asker, lesson=world["lesson"], text=f"问题 {number}")
            for author in (world["instructor"], world["learner_b"]):
                qa_services.answer_post(author=author, question=question, text="答")

    client = client_for(world["learner_a"])
    add_questions(2)
    # The lesson, who the caller is to it (enrolled, staff, permissions: 4), the count, the page,
    # its answers and what the caller follows.
    with django_assert_max_num_queries(9) as few:
        assert client.get(questions_url(world["lesson"])).status_code == 200
    add_questions(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(questions_url(world["lesson"])).json()["results"]) == 14
