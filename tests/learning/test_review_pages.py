"""Review figures on course cards and pages (no query per card), and the course page's reviews."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import services
from learning.models import Review, ReviewHelpful, ReviewReport
from tests.factories import CampaignFactory, CourseFactory, ManagerFactory, PartnerFactory, UserFactory
from tests.test_i18n_pages import english_words

pytestmark = pytest.mark.django_db


def reviewed(course, rating, *, text="", first_name="学员"):
    author = UserFactory(first_name=first_name)
    Enrollment.objects.create(learner=author, course=course)
    services.lesson_mark_done(learner=author, lesson=course.lessons.order_by("position").first())
    return services.review_save(learner=author, course=course, rating=rating, text=text)[0]


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"


def make_eligible(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    services.lesson_mark_done(learner=learner, lesson=course.lessons.order_by("position").first())


@pytest.mark.parametrize("count", [5, 30])
def test_catalogue_with_review_figures_costs_the_same_queries_for_5_and_30_courses(
    client, english, django_assert_max_num_queries, count
):
    partners = [PartnerFactory()]
    for index in range(count):
        course = CourseFactory(partners=partners, lessons=1)
        if index < 3:
            reviewed(course, 4)
    # count + page + partners, and the filter form's partner choices: the figures come in the page's query
    with django_assert_max_num_queries(4):
        response = client.get(reverse("courses:catalogue"))
    assert response.status_code == 200
    if count == 5:  # one page: every reviewed course's card shows its figures
        assert response.content.decode().count('data-testid="rating"') == 3


def test_cards_show_the_average_with_one_decimal_and_the_count(client, english, course):
    reviewed(course, 5)
    reviewed(course, 4)

    html = client.get(reverse("courses:catalogue")).content.decode()

    assert '<span class="rating-average">4.5</span>' in html and "(2 reviews)" in html


def test_home_and_campaign_cards_show_the_figures(client, english, course, django_assert_max_num_queries):
    reviewed(course, 3)
    campaign = CampaignFactory(status="running")
    campaign.art_courses.add(course)
    for _ in range(5):
        campaign.knowledge_courses.add(CourseFactory(lessons=0))

    home = client.get("/").content.decode()
    with django_assert_max_num_queries(12):
        landing = client.get(reverse("marketing:campaign", args=[campaign.slug]))

    assert "(1 review)" in home
    assert "(1 review)" in landing.content.decode()


def test_a_review_written_retires_the_cached_pages_of_visitors(client, course, django_capture_on_commit_callbacks):
    client.get(course.get_absolute_url())  # cached for visitors without a session

    with django_capture_on_commit_callbacks(execute=True):
        reviewed(course, 5, text="非常好的课程")

    assert "非常好的课程" in client.get(course.get_absolute_url()).content.decode()


def test_the_course_page_lists_reviews_newest_first_and_most_helpful_on_demand(client, course, learner):
    older = reviewed(course, 5, text="第一条评价")
    newer = reviewed(course, 2, text="第二条评价")
    ReviewHelpful.objects.create(review=older, learner=learner)

    newest = client.get(course.get_absolute_url()).content.decode()
    helpful = client.get(course.get_absolute_url() + "?reviews=helpful").content.decode()

    assert newest.index(newer.text) < newest.index(older.text)
    assert helpful.index(older.text) < helpful.index(newer.text)


def test_reviews_are_paginated(client, course):
    for index in range(12):
        reviewed(course, 4, text=f"评价{index:02d}")

    first = client.get(course.get_absolute_url()).content.decode()
    second = client.get(course.get_absolute_url() + "?reviews_page=2").content.decode()

    assert first.count('data-testid="review"') == 10 and second.count('data-testid="review"') == 2


def test_course_page_queries_stay_fixed_with_many_reviews(client, course, learner, django_assert_max_num_queries):
    for _ in range(12):
        reviewed(course, 4)
    make_eligible(learner, course)
    client.force_login(learner)
    # the course page's queries (see tests/courses/test_pages.py) and, for reviews: the count, the page,
    # my review, my enrollment and progress, the reviews I marked helpful
    with django_assert_max_num_queries(23):
        response = client.get(course.get_absolute_url())
    assert response.status_code == 200


def test_an_eligible_learner_writes_then_edits_a_review_from_the_course_page(client, learner, course):
    make_eligible(learner, course)
    client.force_login(learner)
    assert 'data-testid="review-form"' in client.get(course.get_absolute_url()).content.decode()

    created = client.post(reverse("learning:review-edit", args=[course.slug]), {"rating": "4", "text": "很好"})
    edited = client.post(reverse("learning:review-edit", args=[course.slug]), {"rating": "5", "text": "更好"})

    assert created.status_code == edited.status_code == 302
    assert Review.objects.values_list("rating", "text").get() == (5, "更好")


def test_learners_without_enough_progress_see_why_and_cannot_post(client, english, learner, settings):
    settings.REVIEW_MIN_PROGRESS = 50
    course = CourseFactory(lessons=4)
    make_eligible(learner, course)  # 25%
    client.force_login(learner)

    page = client.get(course.get_absolute_url()).content.decode()
    response = client.post(reverse("learning:review-edit", args=[course.slug]), {"rating": "5"})

    assert "once you have done 50% of it" in page and 'data-testid="review-form"' not in page
    assert response.status_code == 403 and not Review.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rating": "9"}, "rating", "请选择 1 到 5 星的评分。"),
        ({"rating": ""}, "rating", "请选择 1 到 5 星的评分。"),
        ({"rating": "4", "text": "长" * 2001}, "text", "2000"),
        ({"rating": "4", "text": "有\x00空字符"}, "text", "空字符"),
    ],
)
def test_bad_review_input_is_a_translated_field_error(client, learner, course, data, field, message):
    make_eligible(learner, course)
    client.force_login(learner)

    response = client.post(reverse("learning:review-edit", args=[course.slug]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="{field}-error"' in html and message in html
    assert not Review.objects.exists()


def test_helpful_is_a_post_and_counts_once(client, learner, course):
    review = reviewed(course, 4)
    client.force_login(learner)
    url = reverse("learning:review-helpful", args=[review.pk])

    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)

    assert ReviewHelpful.objects.filter(review=review).count() == 1
    assert 'data-testid="marked-helpful"' in client.get(course.get_absolute_url()).content.decode()


def test_a_learner_reports_a_review_from_its_page(client, learner, course):
    review = reviewed(course, 1)
    client.force_login(learner)
    url = reverse("learning:review-report", args=[review.pk])

    bad = client.post(url, {"reason": "nonsense"})
    good = client.post(url, {"reason": "spam", "note": "广告"})

    assert bad.status_code == 400 and good.status_code == 302
    assert ReviewReport.objects.values_list("reason", "note").get() == ("spam", "广告")


def test_the_author_sees_their_hidden_review_marked_and_others_do_not_see_it(client, learner, other_learner, course):
    make_eligible(learner, course)
    review = services.review_save(learner=learner, course=course, rating=1, text="隐藏的评价")[0]
    services.review_hide(moderator=ManagerFactory(), review=review, reason="广告内容")

    client.force_login(learner)
    own = client.get(course.get_absolute_url()).content.decode()
    client.force_login(other_learner)
    other = client.get(course.get_absolute_url()).content.decode()

    assert 'data-testid="own-hidden"' in own and "广告内容" in own
    assert "隐藏的评价" not in other


def test_managers_hide_reported_reviews_in_the_admin_with_a_reason(client, course):
    review = reviewed(course, 1)
    services.review_report(learner=UserFactory(), review=review, reason="abuse")
    client.force_login(ManagerFactory())

    reports = client.get(reverse("admin:learning_reviewreport_changelist"))
    client.post(
        reverse("admin:learning_reviewreport_changelist"),
        {"action": "hide_reviews", "_selected_action": [ReviewReport.objects.get().pk], "reason": "辱骂"},
    )

    assert reports.status_code == 200
    review.refresh_from_db()
    assert review.is_hidden and review.hidden_reason == "辱骂"
    client.post(reverse("admin:learning_review_changelist"), {"action": "unhide", "_selected_action": [review.pk]})
    review.refresh_from_db()
    assert not review.is_hidden and review.hidden_reason == "辱骂"


def test_learners_cannot_open_the_moderation_admin(client, learner):
    client.force_login(learner)

    assert client.get(reverse("admin:learning_reviewreport_changelist")).status_code == 302


def test_course_page_reviews_in_chinese_show_no_english(client, learner, course):
    reviewed(course, 5, text="很棒的课程", first_name="小红")
    make_eligible(learner, course)
    client.force_login(learner)

    client.cookies["django_language"] = "zh-hans"
    html = client.get(course.get_absolute_url()).content.decode()

    section = html[html.index('<section class="reviews"') :]
    assert english_words(section, allowed=set()) == set()
