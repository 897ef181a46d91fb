"""Enrolled learners with some progress review a course once; figures count only reviews that stand."""

import threading

import pytest
from django.db import connection

from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Enrollment
from courses.payments.sandbox import SandboxProvider
from learning import selectors, services
from learning.models import Review, ReviewHelpful, ReviewReport
from platform_site.exceptions import ApplicationError, NotPermitted
from tests.factories import CourseFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def buy(learner, course):
    order = course_services.order_checkout(learner=learner, course=course)[0]
    course_services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    return order


def progress(learner, course, lessons=1):
    for lesson in list(course.lessons.order_by("position"))[:lessons]:
        services.lesson_mark_done(learner=learner, lesson=lesson)


def eligible(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    progress(learner, course)


def figures(course):
    annotated = course_selectors.course_list().get(pk=course.pk)
    return annotated.review_average, annotated.review_count


def test_a_learner_not_enrolled_cannot_review(learner, course):
    with pytest.raises(NotPermitted) as refusal:
        services.review_save(learner=learner, course=course, rating=5)

    assert refusal.value.code == "not_enrolled"
    assert not Review.objects.exists()


def test_a_learner_under_the_progress_threshold_cannot_review(learner, settings):
    settings.REVIEW_MIN_PROGRESS = 40
    course = CourseFactory(lessons=3)
    Enrollment.objects.create(learner=learner, course=course)
    progress(learner, course, lessons=1)  # 33%

    with pytest.raises(NotPermitted) as refusal:
        services.review_save(learner=learner, course=course, rating=4)

    assert refusal.value.code == "not_enough_progress"


def test_a_learner_with_enough_progress_reviews_and_edits_one_review(learner, course):
    eligible(learner, course)

    first, created = services.review_save(learner=learner, course=course, rating=3, text="  Good  ")
    edited, created_again = services.review_save(learner=learner, course=course, rating=5, text="Better")

    assert (created, created_again) == (True, False)
    assert edited.pk == first.pk and (edited.rating, edited.text) == (5, "Better")
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("rating", "text", "field"),
    [
        (0, "", "rating"),
        (6, "", "rating"),
        ("5", "", "rating"),
        (True, "", "rating"),
        (4, "x" * 2001, "text"),
        (4, "bad\x00text", "text"),
    ],
)
def test_bad_input_is_refused_at_its_field(learner, course, rating, text, field):
    eligible(learner, course)

    with pytest.raises(ApplicationError) as refusal:
        services.review_save(learner=learner, course=course, rating=rating, text=text)

    assert list(refusal.value.extra["fields"]) == [field]


@pytest.mark.postgres  # SQLite locks the whole table: no race to run
@pytest.mark.django_db(transaction=True)
def test_a_racing_double_submit_leaves_one_review():
    learner = UserFactory()
    course = CourseFactory()
    eligible(learner, course)
    barrier = threading.Barrier(4)
    errors = []

    def submit(rating):
        try:
            barrier.wait()
            services.review_save(learner=learner, course=course, rating=rating)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(rating,)) for rating in (2, 3, 4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Review.objects.filter(learner=learner, course=course).count() == 1


def test_figures_are_the_average_and_count_of_reviews_that_stand(course):
    for rating in (5, 4, 4):
        learner = UserFactory()
        eligible(learner, course)
        services.review_save(learner=learner, course=course, rating=rating)

    average, count = figures(course)

    assert (round(average, 1), count) == (4.3, 3)


def test_a_refund_removes_the_review_from_the_figures_and_buying_again_brings_it_back(learner, other_learner, course):
    order = buy(learner, course)
    progress(learner, course)
    services.review_save(learner=learner, course=course, rating=1)
    eligible(other_learner, course)
    services.review_save(learner=other_learner, course=course, rating=5)

    course_services.order_refund(order=order)
    after_refund = figures(course)
    listed = list(selectors.course_reviews(course=course))

    assert after_refund == (5.0, 1)
    assert [review.learner for review in listed] == [other_learner]
    with pytest.raises(NotPermitted):  # a refunded learner no longer edits it
        services.review_save(learner=learner, course=course, rating=2)


def test_a_hidden_review_leaves_the_figures_and_its_reason_is_kept(learner, other_learner, course):
    eligible(learner, course)
    review, _ = services.review_save(learner=learner, course=course, rating=1, text="spam spam")
    eligible(other_learner, course)
    services.review_save(learner=other_learner, course=course, rating=4)
    moderator = ManagerFactory()

    services.review_hide(moderator=moderator, review=review, reason="Advertising")

    review.refresh_from_db()
    assert figures(course) == (4.0, 1)
    assert (review.hidden_reason, review.hidden_by, review.is_hidden) == ("Advertising", moderator, True)
    services.review_unhide(moderator=moderator, review=review)
    assert figures(course)[1] == 2


def test_hiding_needs_a_moderator_and_a_reason(learner, other_learner, course):
    eligible(learner, course)
    review, _ = services.review_save(learner=learner, course=course, rating=1)

    with pytest.raises(NotPermitted):
        services.review_hide(moderator=other_learner, review=review, reason="I dislike it")
    with pytest.raises(ApplicationError) as no_reason:
        services.review_hide(moderator=ManagerFactory(), review=review, reason="  ")

    assert list(no_reason.value.extra["fields"]) == ["reason"]
    assert not Review.objects.get().is_hidden


def test_a_partner_check_can_be_passed_to_moderation(learner, other_learner, course):
    eligible(learner, course)
    review, _ = services.review_save(learner=learner, course=course, rating=1)

    services.review_hide(moderator=other_learner, review=review, reason="Off topic", may_moderate=lambda u, r: True)

    assert Review.objects.get().is_hidden


def test_an_edit_of_a_hidden_review_stays_hidden(learner, course):
    eligible(learner, course)
    review, _ = services.review_save(learner=learner, course=course, rating=1)
    services.review_hide(moderator=ManagerFactory(), review=review, reason="Abuse")

    edited, _ = services.review_save(learner=learner, course=course, rating=2)

    assert edited.is_hidden


def test_helpful_counts_once_and_never_for_your_own_review(learner, other_learner, course):
    eligible(learner, course)
    review, _ = services.review_save(learner=learner, course=course, rating=5)

    first = services.review_mark_helpful(learner=other_learner, review=review)
    second = services.review_mark_helpful(learner=other_learner, review=review)
    with pytest.raises(ApplicationError) as own:
        services.review_mark_helpful(learner=learner, review=review)

    assert (first, second, own.value.code) == (True, False, "own_review")
    assert ReviewHelpful.objects.count() == 1


def test_most_helpful_sorts_by_marks(course):
    reviews = []
    for _ in range(3):
        author = UserFactory()
        eligible(author, course)
        reviews.append(services.review_save(learner=author, course=course, rating=4)[0])
    for voter in (UserFactory(), UserFactory()):
        services.review_mark_helpful(learner=voter, review=reviews[1])

    helpful = list(selectors.course_reviews(course=course, sort=selectors.ReviewSort.HELPFUL))
    newest = list(selectors.course_reviews(course=course))

    assert helpful[0] == reviews[1] and helpful[0].helpful_count == 2
    assert newest == list(reversed(reviews))


def test_a_learner_reports_a_review_once_with_a_reason(learner, other_learner, course):
    eligible(learner, course)
    review, _ = services.review_save(learner=learner, course=course, rating=1)

    report, created = services.review_report(learner=other_learner, review=review, reason="spam", note="ads")
    again, created_again = services.review_report(learner=other_learner, review=review, reason="abuse")
    with pytest.raises(ApplicationError) as bad:
        services.review_report(learner=UserFactory(), review=review, reason="because")

    assert (created, created_again, again.pk, again.reason) == (True, False, report.pk, "spam")
    assert list(bad.value.extra["fields"]) == ["reason"]
    assert ReviewReport.objects.count() == 1


def test_a_refund_of_a_reviewer_retires_the_cached_figures(learner, course, django_capture_on_commit_callbacks):
    from courses.cache import catalogue_version

    order = buy(learner, course)
    progress(learner, course)
    services.review_save(learner=learner, course=course, rating=5)
    before = catalogue_version()

    with django_capture_on_commit_callbacks(execute=True):
        course_services.order_refund(order=order)

    assert catalogue_version() > before
