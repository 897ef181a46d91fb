"""The lesson page's questions and answers, its forms over HTTP, and the partner workspace's inbox."""

import pytest
from django.urls import reverse

from learning import qa_services
from learning.models import Answer, Question
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
# The lesson page with its questions for an enrolled learner: session, user, its permissions (2), course and
# partners, lessons, enrollments, subtitles, attachments, progress, the lesson's assignment; then the Q&A
# section: staff lookup, count, the page, its answers, follows.
QUERIES = 17


def lesson_page(client, world, **query):
    return client.get(world["lesson"].get_absolute_url(), query)


def test_text_is_escaped_and_links_are_nofollow_ugc(client, world):
    qa_services.question_ask(
        author=world["learner_a"], lesson=world["lesson"],
        text='<script>alert(1)</script> see https://example.com/brush?a=1&b=2 "rel=\\"nofollow\\""',
    )  # fmt: skip
    client.force_login(world["learner_b"])

    html = lesson_page(client, world).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://example.com/brush?a=1&amp;b=2" rel="nofollow ugc">' in html


def test_the_moment_shows_as_a_clock_and_links_into_the_player_only_where_there_is_one(client, world):
    qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Here?", timestamp=95)
    client.force_login(world["learner_a"])

    html = lesson_page(client, world).content.decode()

    assert "1:35" in html
    assert "?t=95" not in html  # a text lesson: nothing to seek (the browser test follows the link)


def add_questions(world, count):
    for index in range(count):
        question = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text=f"Q{index}")
        for author in ("learner_b", "instructor"):
            qa_services.answer_post(author=world[author], question=question, text="A")


def test_the_questions_cost_the_same_queries_whatever_their_number(client, world, django_assert_max_num_queries):
    client.force_login(world["learner_b"])
    add_questions(world, 3)
    with django_assert_max_num_queries(100) as few:
        lesson_page(client, world)
    add_questions(world, 22)
    with django_assert_max_num_queries(100) as many:
        html = lesson_page(client, world).content.decode()

    assert html.count('data-testid="question"') == 10  # one page
    assert len(many.captured_queries) == len(few.captured_queries)
    qa = [q for q in many.captured_queries if "learning_question" in q["sql"] or "learning_answer" in q["sql"]]
    assert len(qa) == 4  # count, the page, its answers (prefetched), which of them I follow


def test_the_lesson_page_with_a_full_page_of_questions_costs_a_pinned_number_of_queries(
    client,
    world,
    django_assert_max_num_queries,
):
    add_questions(world, 12)
    client.force_login(world["learner_b"])

    with django_assert_max_num_queries(QUERIES):
        assert lesson_page(client, world).status_code == 200


def test_a_link_to_one_question_opens_the_page_that_shows_it(client, world):
    questions = [
        qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text=f"Question number {i}")
        for i in range(25)
    ]
    oldest = questions[0]  # newest first: the oldest is on the third page
    client.force_login(world["instructor"])

    response = client.get(oldest.get_absolute_url())

    assert response.context["page"].number == 3
    assert f'id="question-{oldest.pk}"' in response.content.decode()
    assert lesson_page(client, world, question="nonsense").status_code == 200


def test_the_inbox_costs_the_same_queries_whatever_its_length(client, world, django_assert_max_num_queries):
    client.force_login(world["instructor"])
    qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="One")
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("partners:questions"))
    for index in range(30):
        qa_services.question_ask(author=world["learner_b"], lesson=world["lesson"], text=f"More {index}")
    with django_assert_max_num_queries(100) as many:
        assert client.get(reverse("partners:questions")).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


def test_visitors_and_outsiders_do_not_see_the_questions(client, world):
    qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Secret question")
    client.force_login(world["not_enrolled"])  # the first lesson is a free preview: the page opens

    html = lesson_page(client, world).content.decode()

    assert "Secret question" not in html
    assert 'data-testid="questions-locked"' in html


def test_instructor_answer_is_badged_and_the_asker_accepts_it_over_http(client, world):
    question = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Why?")
    client.force_login(world["instructor"])
    response = client.post(reverse("learning:answer-post", args=[question.pk]), {"text": "Because."})
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.is_instructor

    client.force_login(world["learner_b"])
    assert client.post(reverse("learning:answer-accept", args=[answer.pk])).status_code == 403
    client.force_login(world["learner_a"])
    client.post(reverse("learning:answer-accept", args=[answer.pk]))

    html = lesson_page(client, world).content.decode()
    assert 'data-testid="instructor-badge"' in html
    assert 'data-testid="accepted"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("learner_b", 403), ("instructor", 403), ("other_instructor", 403), ("partner_manager", 302),
     ("platform_manager", 302)],
)  # fmt: skip
def test_hiding_over_http_is_refused_with_403_not_500(client, world, who, status):
    question = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Spam")
    client.force_login(world[who])

    response = client.post(reverse("learning:question-hide", args=[question.pk]), {"reason": "spam"})

    assert response.status_code == status
    question.refresh_from_db()
    assert question.is_hidden is (status == 302)


def test_an_outsider_posting_a_question_gets_403_and_nothing_is_stored(client, world):
    client.force_login(world["not_enrolled"])

    response = client.post(reverse("learning:question-ask", args=[world["lesson"].pk]), {"text": "Hi"})

    assert response.status_code == 403
    assert not Question.objects.exists()


def test_the_inbox_lists_unanswered_questions_of_the_partners_courses_only(client, world):
    waiting = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Waiting question")
    answered = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Answered question")
    qa_services.answer_post(author=world["learner_b"], question=answered, text="Done")
    client.force_login(world["instructor"])

    html = client.get(reverse("partners:questions")).content.decode()

    assert "Waiting question" in html
    assert "Answered question" not in html
    assert waiting.get_absolute_url() in html

    client.force_login(world["other_instructor"])
    assert "Waiting question" not in client.get(reverse("partners:questions")).content.decode()


def test_analysts_have_no_inbox(client, world):
    analyst = UserFactory()
    MembershipFactory(partner=world["course"].partners.first(), user=analyst, role="analyst")
    client.force_login(analyst)

    assert client.get(reverse("partners:questions")).status_code == 403


def test_a_platform_manager_hides_from_the_admin_with_the_reason_kept(client, world):
    question = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="Buy brushes")
    client.force_login(world["platform_manager"])
    url = reverse("admin:learning_question_changelist")
    assert client.get(url).status_code == 200

    client.post(url, {"action": "hide", "_selected_action": [question.pk], "reason": "advertising"})

    question.refresh_from_db()
    assert (question.hidden_reason, question.hidden_by) == ("advertising", world["platform_manager"])


@pytest.mark.parametrize(("who", "status"), [("instructor", 200), ("partner_manager", 200), ("other_instructor", 302)])
def test_the_courses_instructors_open_its_locked_lessons_to_answer(client, world, who, status):
    locked = world["course"].lessons.order_by("position").last()
    assert not locked.is_free_preview
    client.force_login(world[who])

    response = client.get(locked.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert 'data-testid="questions"' in response.content.decode()
        assert 'data-testid="questions-locked"' not in response.content.decode()


def test_an_analyst_does_not_open_a_locked_lesson(client, world):
    analyst = UserFactory()
    MembershipFactory(partner=world["course"].partners.first(), user=analyst, role="analyst")
    client.force_login(analyst)

    assert client.get(world["course"].lessons.order_by("position").last().get_absolute_url()).status_code == 302
