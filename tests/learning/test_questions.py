"""Lesson questions and answers: who may ask, answer, accept and hide; escaped text; bad timestamps."""

import pytest
from django.urls import reverse

from learning import qa_services
from learning.models import Answer, Question, QuestionFollow
from platform_site.exceptions import ApplicationError, NotPermitted
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(world, text="How wet should the paper be?", **kwargs):
    return qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text=text, **kwargs)


ASK = {
    "learner_a": True, "learner_b": True, "not_enrolled": False, "instructor": False,
    "other_instructor": False, "partner_manager": False, "platform_manager": False,
}  # fmt: skip
ANSWER = {
    "learner_a": True, "learner_b": True, "not_enrolled": False, "instructor": True,
    "other_instructor": False, "partner_manager": True, "platform_manager": False,
}  # fmt: skip
ACCEPT = {
    "learner_a": True, "learner_b": False, "not_enrolled": False, "instructor": False,
    "other_instructor": False, "partner_manager": False, "platform_manager": False,
}  # fmt: skip
HIDE = {
    "learner_a": False, "learner_b": False, "not_enrolled": False, "instructor": False,
    "other_instructor": False, "partner_manager": True, "platform_manager": True,
}  # fmt: skip


@pytest.mark.parametrize("who", list(ASK))
def test_only_enrolled_learners_ask(world, who):
    def attempt():
        return qa_services.question_ask(author=world[who], lesson=world["lesson"], text="Why?")

    if ASK[who]:
        assert attempt().author == world[who]
    else:
        with pytest.raises(NotPermitted):
            attempt()
        assert not Question.objects.exists()


@pytest.mark.parametrize("who", list(ANSWER))
def test_enrolled_learners_and_the_courses_instructors_answer(world, who):
    question = ask(world)

    def attempt():
        return qa_services.answer_post(author=world[who], question=question, text="Damp, not dripping.")

    if ANSWER[who]:
        answer = attempt()
        assert answer.is_instructor is (who in ("instructor", "partner_manager"))
    else:
        with pytest.raises(NotPermitted):
            attempt()
        assert not Answer.objects.exists()


@pytest.mark.parametrize("who", list(ACCEPT))
def test_only_the_asker_accepts_an_answer(world, who):
    question = ask(world)
    answer = qa_services.answer_post(author=world["instructor"], question=question, text="Damp.")

    if ACCEPT[who]:
        qa_services.answer_accept(user=world[who], answer=answer)
    else:
        with pytest.raises(NotPermitted):
            qa_services.answer_accept(user=world[who], answer=answer)
    question.refresh_from_db()
    assert (question.accepted_answer_id == answer.pk) is ACCEPT[who]


@pytest.mark.parametrize("who", list(HIDE))
def test_platform_managers_and_the_partners_managers_hide(world, who):
    question = ask(world)
    answer = qa_services.answer_post(author=world["learner_b"], question=question, text="Buy my brushes")

    for post in (answer, question):
        if HIDE[who]:
            hidden = qa_services.post_hide(moderator=world[who], post=post, reason="spam")
            assert (hidden.is_hidden, hidden.hidden_reason, hidden.hidden_by) == (True, "spam", world[who])
        else:
            with pytest.raises(NotPermitted):
                qa_services.post_hide(moderator=world[who], post=post, reason="spam")
            post.refresh_from_db()
            assert not post.is_hidden


def test_a_manager_of_another_partner_cannot_hide(world):
    other_manager = UserFactory()
    MembershipFactory(partner=world["other_course"].partners.first(), user=other_manager, role="manager")

    with pytest.raises(NotPermitted):
        qa_services.post_hide(moderator=other_manager, post=ask(world), reason="spam")


def test_hiding_needs_a_reason_and_keeps_the_first(world):
    question = ask(world)
    with pytest.raises(ApplicationError) as error:
        qa_services.post_hide(moderator=world["platform_manager"], post=question, reason="  ")
    assert "reason" in error.value.extra["fields"]

    qa_services.post_hide(moderator=world["platform_manager"], post=question, reason="spam")
    qa_services.post_hide(moderator=world["partner_manager"], post=question, reason="again")
    question.refresh_from_db()
    assert question.hidden_reason == "spam"


def test_a_hidden_question_takes_no_answers(world):
    question = qa_services.post_hide(moderator=world["platform_manager"], post=ask(world), reason="spam")

    with pytest.raises(ApplicationError):
        qa_services.answer_post(author=world["learner_b"], question=question, text="Hello")


def test_accepting_another_answer_replaces_the_first(world):
    question = ask(world)
    first = qa_services.answer_post(author=world["learner_b"], question=question, text="One")
    second = qa_services.answer_post(author=world["instructor"], question=question, text="Two")

    qa_services.answer_accept(user=world["learner_a"], answer=first)
    qa_services.answer_accept(user=world["learner_a"], answer=second)

    question.refresh_from_db()
    assert question.accepted_answer == second


def test_following_twice_counts_once_and_unfollowing_stops_it(world):
    question = ask(world)  # the asker follows their own question
    qa_services.question_follow(user=world["learner_b"], question=question)
    qa_services.question_follow(user=world["learner_b"], question=question)
    assert QuestionFollow.objects.filter(question=question).count() == 2

    qa_services.question_follow(user=world["learner_b"], question=question, follow=False)
    assert list(QuestionFollow.objects.values_list("user__username", flat=True)) == ["learner-a"]


def test_not_enrolled_cannot_follow(world):
    with pytest.raises(NotPermitted):
        qa_services.question_follow(user=world["not_enrolled"], question=ask(world))


@pytest.mark.parametrize("timestamp", [-1, 10**9, "12s", 2.5, True])
def test_a_bad_timestamp_is_a_field_error(world, timestamp):
    with pytest.raises(ApplicationError) as error:
        ask(world, timestamp=timestamp)

    assert "timestamp" in error.value.extra["fields"]
    assert not Question.objects.exists()


@pytest.mark.parametrize("timestamp", ["-1", "9999999999999", "abc", "1e3"])
def test_a_bad_timestamp_posted_is_a_field_error_not_a_500(client, world, timestamp):
    client.force_login(world["learner_a"])
    url = reverse("learning:question-ask", args=[world["lesson"].pk])

    response = client.post(url, {"text": "When?", "timestamp": timestamp})

    assert response.status_code == 400
    assert response.context["form"].errors["timestamp"]
    assert not Question.objects.exists()


def test_an_empty_or_too_long_question_is_refused(world):
    for text in ("   ", "x" * 2001):
        with pytest.raises(ApplicationError) as error:
            ask(world, text=text)
        assert "text" in error.value.extra["fields"]


def test_the_timestamp_cannot_pass_the_lessons_media(world):
    from courses.models import LessonMedia

    lesson = world["lesson"]
    LessonMedia.objects.create(lesson=lesson, duration_seconds=120)
    lesson.refresh_from_db()

    assert ask(world, timestamp=120).timestamp_seconds == 120
    with pytest.raises(ApplicationError):
        ask(world, timestamp=121)
