"""The partner's public answer to a review, reports of reviews, questions and answers, hiding and
keeping, the posting limit, and who may do each (the permission matrix)."""

import pytest
from django.urls import reverse

from courses import services as course_services
from courses.models import Enrollment, Order
from courses.payments.sandbox import SandboxProvider
from learning import partner_reviews, qa_services, services
from learning.models import QaReport, ReviewReply, ReviewReport
from platform_site.exceptions import ApplicationError, NotPermitted, TooManyRequests
from tests.learning.test_reviews import figures

pytestmark = pytest.mark.django_db

PEOPLE = ["learner_a", "learner_b", "not_enrolled", "instructor", "other_instructor", "partner_manager",
          "platform_manager"]  # fmt: skip


def done(learner, course):
    services.lesson_mark_done(learner=learner, lesson=course.lessons.order_by("position").first())


@pytest.fixture
def review(world):
    done(world["learner_a"], world["course"])
    return services.review_save(learner=world["learner_a"], course=world["course"], rating=2, text="Too fast.")[0]


@pytest.fixture
def thread(world):
    question = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="How wet?")
    answer = qa_services.answer_post(
        author=world["learner_b"], question=question, text="Buy my brushes at spam.example"
    )
    return question, answer


def outcome(call) -> str:
    try:
        call()
    except NotPermitted:
        return "403"
    except ApplicationError as error:
        return error.code
    return "ok"


# ------------------------------------------------------------------------------ the partner's answer
def test_the_partners_manager_answers_once_and_edits_the_same_answer(world, review):
    partner = world["course"].partners.get()
    reply, created = partner_reviews.review_reply_save(
        author=world["partner_manager"], partner=partner, review=review, text="We slowed lesson 2 down."
    )
    edited, again = partner_reviews.review_reply_save(
        author=world["partner_manager"], partner=partner, review=review, text="We slowed lessons 2 and 3 down."
    )

    assert (created, again) == (True, False) and edited.pk == reply.pk
    assert ReviewReply.objects.get().text == "We slowed lessons 2 and 3 down."


def test_a_partner_cannot_answer_for_another_partner(world, review):
    other_partner = world["other_course"].partners.get()

    with pytest.raises(NotPermitted):  # the other school's staff, speaking for itself, on this course
        partner_reviews.review_reply_save(
            author=world["other_instructor"], partner=other_partner, review=review, text="Come to us instead."
        )
    with pytest.raises(NotPermitted):  # this course's manager, naming a partner the course is not of
        partner_reviews.review_reply_save(
            author=world["partner_manager"], partner=other_partner, review=review, text="Signed by someone else."
        )


@pytest.mark.parametrize(
    "text, code", [("", "invalid"), ("   ", "invalid"), ("x" * 2001, "invalid"), ("a\x00b", "invalid")]
)
def test_a_bad_answer_is_a_field_error(world, review, text, code):
    partner = world["course"].partners.get()
    call = lambda: partner_reviews.review_reply_save(  # noqa: E731
        author=world["partner_manager"], partner=partner, review=review, text=text
    )
    assert outcome(call) == code
    assert not ReviewReply.objects.exists()


# ------------------------------------------------------------------------------ reports, hiding, keeping
def test_a_learner_reports_a_question_and_an_answer_once_each(world, thread):
    question, answer = thread
    first, created = qa_services.post_report(learner=world["learner_b"], post=question, reason="off_topic")
    again, twice = qa_services.post_report(learner=world["learner_b"], post=question, reason="spam")
    _report, on_answer = qa_services.post_report(learner=world["learner_a"], post=answer, reason="spam", note="ad")

    assert (created, twice, on_answer) == (True, False, True) and again.pk == first.pk
    assert QaReport.objects.count() == 2 and QaReport.objects.get(question=question).reason == "off_topic"


@pytest.mark.parametrize("reason", ["", "nonsense", None, 7])
def test_a_report_needs_a_known_reason(world, thread, reason):
    assert outcome(lambda: qa_services.post_report(learner=world["learner_b"], post=thread[0], reason=reason)) == (
        "invalid"
    )


def test_hiding_resolves_the_reports_and_keeping_resolves_them_too(world, review, thread):
    question, answer = thread
    services.review_report(learner=world["learner_b"], review=review, reason="abuse")
    qa_services.post_report(learner=world["learner_b"], post=question, reason="spam")
    qa_services.post_report(learner=world["learner_a"], post=answer, reason="spam")

    services.review_hide(moderator=world["partner_manager"], review=review, reason="Insults the teacher")
    qa_services.post_hide(moderator=world["partner_manager"], post=answer, reason="Advertising")
    qa_services.post_reports_keep(moderator=world["partner_manager"], post=question)

    assert not ReviewReport.objects.open().exists() and not QaReport.objects.open().exists()
    assert ReviewReport.objects.count() == 1 and QaReport.objects.count() == 2  # the rows stay
    review.refresh_from_db()
    assert review.hidden_reason == "Insults the teacher" and review.hidden_by == world["partner_manager"]
    assert not question.is_hidden


def test_review_figures_follow_hiding_and_refunds(world):
    course = world["course"]
    course.price = 100
    course.save()
    buyers = []
    for rating in (5, 3, 1):
        from tests.factories import UserFactory

        learner = UserFactory()
        order = course_services.order_checkout(learner=learner, course=course)[0]
        course_services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
        done(learner, course)
        buyers.append((services.review_save(learner=learner, course=course, rating=rating)[0], order))
    assert figures(course) == (3, 3)

    services.review_hide(moderator=world["platform_manager"], review=buyers[0][0], reason="spam")
    assert figures(course) == (2, 2)  # (3 + 1) / 2
    course_services.order_refund(order=Order.objects.get(pk=buyers[2][1].pk))
    assert figures(course) == (3, 1)  # the refunded learner's 1 leaves too
    services.review_unhide(moderator=world["partner_manager"], review=buyers[0][0])
    assert figures(course) == (4, 2)  # (5 + 3) / 2
    partner_reviews.review_reply_save(
        author=world["partner_manager"], partner=course.partners.get(), review=buyers[1][0], text="Thanks!"
    )
    assert figures(course) == (4, 2)  # an answer is not a rating


# ------------------------------------------------------------------------------ the posting limit
def test_posting_past_the_hourly_limit_is_refused_with_when_to_retry(world, review, settings):
    settings.LEARNING_POSTS_PER_HOUR = 3
    lesson, learner = world["lesson"], world["learner_b"]
    qa_services.question_ask(author=learner, lesson=lesson, text="One")
    question = qa_services.question_ask(author=learner, lesson=lesson, text="Two")
    services.review_report(learner=learner, review=review, reason="spam")

    with pytest.raises(TooManyRequests) as refused:
        qa_services.answer_post(author=learner, question=question, text="Three")

    assert refused.value.status_code == 429 and 0 < refused.value.extra["retry_after"] <= 3600
    assert "3" in str(refused.value.message)
    # A report already made costs nothing, and another learner posts freely.
    assert services.review_report(learner=learner, review=review, reason="spam")[1] is False
    qa_services.answer_post(author=world["learner_a"], question=question, text="Fine")


def test_the_limit_is_a_translated_429_on_the_pages_and_the_api(client, world, settings):
    settings.LEARNING_POSTS_PER_HOUR = 1
    client.force_login(world["learner_a"])
    url = reverse("learning:question-ask", args=[world["lesson"].pk])
    assert client.post(url, {"text": "First"}).status_code == 302

    page = client.post(url, {"text": "Second"})
    done(world["learner_a"], world["course"])
    api = client.post(
        f"/api/v1/courses/{world['course'].slug}/reviews/", {"rating": 4}, content_type="application/json"
    )

    assert page.status_code == 429 and "你发布得太快了（每小时最多 1 条）" in page.content.decode()
    assert api.status_code == 429 and api.json()["code"] == "posting_too_fast" and "Retry-After" in api.headers


# ------------------------------------------------------------------------------ the permission matrix
ANSWER_REVIEW = {"partner_manager": "ok"}
MODERATE = {"partner_manager": "ok", "platform_manager": "ok"}
REPORT = {"learner_b": "ok", "instructor": "ok", "partner_manager": "ok", "learner_a": "own_post"}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_answers_a_review_publicly(world, review, who):
    partner = world["course"].partners.get()
    call = lambda: partner_reviews.review_reply_save(author=world[who], partner=partner, review=review, text="Hi")  # noqa: E731
    assert outcome(call) == ANSWER_REVIEW.get(who, "403")


@pytest.mark.parametrize("who", PEOPLE)
def test_who_hides_shows_and_keeps_a_review(world, review, who):
    moderator = world[who]
    results = {
        outcome(lambda: services.review_hide(moderator=moderator, review=review, reason="x")),
        outcome(lambda: services.review_unhide(moderator=moderator, review=review)),
        outcome(lambda: partner_reviews.review_reports_keep(moderator=moderator, review=review)),
    }
    assert results == {MODERATE.get(who, "403")}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_hides_and_keeps_questions_and_answers(world, thread, who):
    moderator = world[who]
    results = {
        outcome(lambda p=post: qa_services.post_hide(moderator=moderator, post=p, reason="x")) for post in thread
    } | {outcome(lambda p=post: qa_services.post_reports_keep(moderator=moderator, post=p)) for post in thread}
    assert results == {MODERATE.get(who, "403")}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_reports_a_question(world, thread, who):
    call = lambda: qa_services.post_report(learner=world[who], post=thread[0], reason="spam")  # noqa: E731
    # Platform managers hide in the admin; they need no report (they cannot read the lesson as a learner).
    assert outcome(call) == REPORT.get(who, "403")


@pytest.mark.parametrize("who", PEOPLE)
def test_who_reports_a_review(world, review, who):
    call = lambda: services.review_report(learner=world[who], review=review, reason="spam")  # noqa: E731
    # Reviews are public: any signed-in person but the author may report one.
    assert outcome(call) == ("own_review" if who == "learner_a" else "ok")


def test_another_learners_enrollment_elsewhere_does_not_open_reports(world, thread):
    Enrollment.objects.create(learner=world["not_enrolled"], course=world["other_course"])
    assert outcome(lambda: qa_services.post_report(learner=world["not_enrolled"], post=thread[1], reason="spam")) == (
        "403"
    )
