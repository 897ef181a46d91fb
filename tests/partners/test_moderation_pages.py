"""The workspace's reviews page (answers in the partner's name, hiding) and reports queue, the admin
queue, and the course page showing the answers: scoped to the partner, fixed query counts."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import partner_reviews, qa_services, services
from learning.models import QaReport, Review, ReviewReply, ReviewReport
from platform_site.exceptions import NotPermitted
from tests.factories import (
    CourseFactory,
    ManagerFactory,
    MembershipFactory,
    UserFactory,
    assign_to_partner_courses,
)

pytestmark = pytest.mark.django_db


def review_of(course, rating=4, text="Clear and calm.", first_name="小林"):
    learner = UserFactory(first_name=first_name)
    Enrollment.objects.create(learner=learner, course=course)
    services.lesson_mark_done(learner=learner, lesson=course.lessons.order_by("position").first())
    return services.review_save(learner=learner, course=course, rating=rating, text=text)[0]


@pytest.fixture
def shop(partner_a, partner_b, owner_a):
    course = CourseFactory(partners=[partner_a], lessons=2, slug="ink-wash", title_zh="水墨基础", title_en="Ink wash")
    other = CourseFactory(partners=[partner_b], lessons=1, slug="mind-maps")
    manager = MembershipFactory(partner=partner_a, user=UserFactory(username="manager-a"), role="manager").user
    teacher = MembershipFactory(partner=partner_a, user=UserFactory(username="teacher-a"), role="instructor")
    instructor = assign_to_partner_courses(teacher).user
    return {"course": course, "other": other, "manager": manager, "instructor": instructor, "owner": owner_a.user,
            "review": review_of(course), "other_review": review_of(other, text="Elsewhere")}  # fmt: skip


def reported(review, times=1):
    for _ in range(times):
        services.review_report(learner=UserFactory(), review=review, reason="abuse")


def test_the_reviews_page_lists_the_partners_reviews_only_at_a_fixed_cost(client, shop, django_assert_max_num_queries):
    client.force_login(shop["manager"])
    client.get(reverse("partners:reviews"))  # the session's first page
    with django_assert_max_num_queries(9) as few:
        html = client.get(reverse("partners:reviews")).content.decode()
    few_count = len(few.captured_queries)
    for index in range(15):
        review = review_of(shop["course"], text=f"Review {index}")
        reported(review)
        partner_reviews.review_reply_save(author=shop["manager"], partner=shop["course"].partners.get(),
                                          review=review, text="Thanks")  # fmt: skip
    with django_assert_max_num_queries(few_count):
        many = client.get(reverse("partners:reviews")).content.decode()

    assert "Clear and calm." in html and "Elsewhere" not in html
    assert many.count('data-testid="workspace-review"') == 16 and "Elsewhere" not in many


def test_the_manager_answers_and_the_course_page_shows_it_in_the_partners_name(client, shop):
    client.force_login(shop["manager"])
    url = reverse("partners:review-answer", args=[shop["review"].pk])
    assert client.get(url).status_code == 200

    assert client.post(url, {"text": "谢谢，第二课已放慢节奏。"}).status_code == 302
    assert client.post(url, {"text": "谢谢，第二、三课已放慢节奏。"}).status_code == 302  # edited, not a second one
    client.logout()
    page = client.get(shop["course"].get_absolute_url()).content.decode()
    english = client.get(shop["course"].get_absolute_url(), HTTP_COOKIE="django_language=en").content.decode()

    assert ReviewReply.objects.count() == 1
    assert "墨韵学堂 回复" in page and "谢谢，第二、三课已放慢节奏。" in page
    assert "Ink Academy answered" in english


@pytest.mark.parametrize("text, message", [("", "请先写点内容"), ("x" * 2001, "2000")])
def test_a_bad_answer_is_shown_again_with_its_error(client, shop, text, message):
    client.force_login(shop["manager"])
    response = client.post(reverse("partners:review-answer", args=[shop["review"].pk]), {"text": text})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReviewReply.objects.exists()


def test_another_partners_review_is_a_404_whatever_the_id(client, shop):
    client.force_login(shop["manager"])
    target = shop["other_review"].pk
    assert client.get(reverse("partners:review-answer", args=[target])).status_code == 404
    response = client.post(reverse("partners:moderate", args=["review", target]), {"do": "hide", "reason": "x"})
    assert response.status_code == 404
    assert not Review.objects.get(pk=target).is_hidden


@pytest.mark.parametrize("url", ["partners:reviews", "partners:reports"])
def test_instructors_do_not_speak_for_the_partner(client, shop, url):
    client.force_login(shop["instructor"])
    assert client.get(reverse(url)).status_code == 403
    assert client.post(reverse("partners:review-answer", args=[shop["review"].pk]), {"text": "Hi"}).status_code == 403
    assert client.post(reverse("partners:moderate", args=["review", shop["review"].pk]),
                       {"do": "hide", "reason": "x"}).status_code == 403  # fmt: skip


@pytest.mark.parametrize("kind, do", [("review", "explode"), ("course", "hide"), ("review", "")])
def test_unknown_moderation_actions_are_a_404(client, shop, kind, do):
    client.force_login(shop["manager"])
    assert client.post(reverse("partners:moderate", args=[kind, shop["review"].pk]), {"do": do}).status_code == 404


def test_hiding_needs_a_reason_then_takes_the_review_off_the_page_until_shown_again(
    client, shop, django_capture_on_commit_callbacks
):
    review, course = shop["review"], shop["course"]
    client.force_login(shop["manager"])
    url = reverse("partners:moderate", args=["review", review.pk])

    refused = client.post(url, {"do": "hide", "reason": " ", "back": "reviews"}, follow=True)
    assert "请说明隐藏这条评价的原因。" in refused.content.decode()
    assert not Review.objects.get(pk=review.pk).is_hidden
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"do": "hide", "reason": "人身攻击", "back": "reviews"})
    hidden_page = client.get(reverse("partners:reviews") + "?show=hidden").content.decode()
    client.logout()
    assert "Clear and calm." not in client.get(course.get_absolute_url()).content.decode()
    client.force_login(shop["manager"])
    with django_capture_on_commit_callbacks(execute=True):  # retires the visitors' cached copy
        client.post(url, {"do": "unhide", "back": "reviews"})
    client.logout()

    assert "已隐藏：人身攻击" in hidden_page
    assert "Clear and calm." in client.get(course.get_absolute_url()).content.decode()


def test_the_reports_queue_shows_what_is_open_and_keeping_clears_it(client, shop, django_assert_max_num_queries):
    course = shop["course"]
    reported(shop["review"], times=2)
    reported(shop["other_review"])  # another partner's: not in this queue
    asker = UserFactory()
    Enrollment.objects.create(learner=asker, course=course)
    question = qa_services.question_ask(author=asker, lesson=course.lessons.first(), text="Where is lesson 3?")
    answer = qa_services.answer_post(author=shop["instructor"], question=question, text="Next week.")
    qa_services.post_report(learner=shop["review"].learner, post=question, reason="off_topic", note="不相关")
    qa_services.post_report(learner=asker, post=answer, reason="spam")
    client.force_login(shop["owner"])
    client.get(reverse("partners:reports"))

    with django_assert_max_num_queries(12):
        html = client.get(reverse("partners:reports")).content.decode()
    assert html.count('data-testid="reported-review"') == 1 and "Elsewhere" not in html
    assert "Where is lesson 3?" in html and "Next week." in html and "不相关" in html

    client.post(reverse("partners:moderate", args=["review", shop["review"].pk]), {"do": "keep"})
    client.post(reverse("partners:moderate", args=["question", question.pk]), {"do": "keep"})
    client.post(reverse("partners:moderate", args=["answer", answer.pk]), {"do": "hide", "reason": "广告"})
    assert 'data-testid="reports-empty"' in client.get(reverse("partners:reports")).content.decode()
    assert ReviewReport.objects.open().count() == 1  # the other partner's
    assert not QaReport.objects.open().exists()


def test_the_course_page_costs_no_query_more_with_answers(
    client, shop, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    course = shop["course"]
    for index in range(3):
        review_of(course, text=f"Plain {index}")
    client.force_login(shop["review"].learner)  # signed in: no cached copy, every query counted
    client.get(course.get_absolute_url())
    with django_assert_max_num_queries(30) as plain:
        assert client.get(course.get_absolute_url()).status_code == 200
    plain_count = len(plain.captured_queries)  # read now: the next request resets the connection's log
    with django_capture_on_commit_callbacks(execute=True):
        for review in Review.objects.filter(course=course):
            partner_reviews.review_reply_save(author=shop["manager"], partner=course.partners.get(), review=review,
                                              text="Thank you")  # fmt: skip
    client.get(course.get_absolute_url())  # a new catalogue version reads its recommendation rules once
    with django_assert_max_num_queries(plain_count):
        html = client.get(course.get_absolute_url()).content.decode()
    assert html.count('data-testid="review-reply"') == 4


def test_learners_report_a_question_from_its_page(client, shop):
    course = shop["course"]
    asker, reader = UserFactory(), shop["review"].learner
    Enrollment.objects.create(learner=asker, course=course)
    question = qa_services.question_ask(author=asker, lesson=course.lessons.first(), text="Buy followers here")
    client.force_login(reader)
    url = reverse("learning:question-report", args=[question.pk])

    assert "举报提问" in client.get(url).content.decode()
    assert client.post(url, {"reason": "nope"}).status_code == 400
    assert client.post(url, {"reason": "spam"}).status_code == 302
    qa_services.post_hide(moderator=shop["manager"], post=question, reason="spam")
    assert client.get(url).status_code == 404
    assert QaReport.objects.get().resolved_at is not None


def test_platform_managers_work_the_admin_queue(client, shop):
    course = shop["course"]
    asker = UserFactory()
    Enrollment.objects.create(learner=asker, course=course)
    question = qa_services.question_ask(author=asker, lesson=course.lessons.first(), text="Spam spam")
    report, _created = qa_services.post_report(learner=shop["review"].learner, post=question, reason="spam")
    reported(shop["review"])
    client.force_login(ManagerFactory())

    assert client.get(reverse("admin:learning_qareport_changelist") + "?resolved_at__isempty=1").status_code == 200
    assert client.get(reverse("admin:learning_reviewreply_changelist")).status_code == 200
    client.post(reverse("admin:learning_qareport_changelist"),
                {"action": "hide_posts", "_selected_action": [report.pk], "reason": "广告"})  # fmt: skip
    client.post(reverse("admin:learning_reviewreport_changelist"),
                {"action": "keep_reviews", "_selected_action": list(ReviewReport.objects.values_list("pk", flat=True))})  # fmt: skip

    question.refresh_from_db()
    assert question.is_hidden and question.hidden_reason == "广告"
    assert (
        not ReviewReport.objects.open().exists()
        and not shop["review"].__class__.objects.get(pk=shop["review"].pk).is_hidden
    )


def test_the_api_lists_the_partners_answer_with_the_review(api_client, shop):
    partner_reviews.review_reply_save(author=shop["manager"], partner=shop["course"].partners.get(),
                                      review=shop["review"], text="谢谢！")  # fmt: skip
    rows = api_client.get(f"/api/v1/courses/{shop['course'].slug}/reviews/").json()["results"]
    assert rows[0]["reply"]["text"] == "谢谢！" and rows[0]["reply"]["partner"] == "墨韵学堂"


def test_the_platform_hides_a_partners_answer_with_a_reason_the_partner_reads(client, api_client, shop):
    partner = shop["course"].partners.get()
    reply, _new = partner_reviews.review_reply_save(author=shop["manager"], partner=partner, review=shop["review"],
                                                    text="加我微信买更便宜的课")  # fmt: skip
    client.force_login(ManagerFactory())
    changelist = reverse("admin:learning_reviewreply_changelist")

    client.post(changelist, {"action": "hide", "_selected_action": [reply.pk], "reason": ""})  # no reason: refused
    assert not ReviewReply.objects.get(pk=reply.pk).is_hidden
    client.post(changelist, {"action": "hide", "_selected_action": [reply.pk], "reason": "站外引流"})

    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason == "站外引流"
    course_page = client.get(shop["course"].get_absolute_url()).content.decode()
    assert "加我微信" not in course_page
    rows = api_client.get(f"/api/v1/courses/{shop['course'].slug}/reviews/").json()["results"]
    assert rows[0]["reply"] is None
    # The partner edits it: still hidden; its workspace says why.
    partner_reviews.review_reply_save(author=shop["manager"], partner=partner, review=shop["review"], text="已改")
    assert ReviewReply.objects.get(pk=reply.pk).is_hidden
    client.force_login(shop["manager"])
    client.cookies["django_language"] = "zh-hans"
    assert "平台隐藏了这条回复：站外引流" in client.get(reverse("partners:reviews")).content.decode()


@pytest.mark.parametrize("who", ["manager", "owner"])
def test_the_partner_does_not_hide_or_show_its_own_answer(shop, who):
    partner = shop["course"].partners.get()
    reply, _new = partner_reviews.review_reply_save(author=shop["manager"], partner=partner, review=shop["review"],
                                                    text="谢谢")  # fmt: skip

    with pytest.raises(NotPermitted):
        partner_reviews.review_reply_hide(moderator=shop[who], reply=reply, reason="x")
    with pytest.raises(NotPermitted):
        partner_reviews.review_reply_unhide(moderator=shop[who], reply=reply)
    assert not ReviewReply.objects.get(pk=reply.pk).is_hidden


def test_a_hidden_answer_is_shown_again_and_keeps_its_first_reason(shop):
    reply, _new = partner_reviews.review_reply_save(author=shop["manager"], partner=shop["course"].partners.get(),
                                                    review=shop["review"], text="谢谢")  # fmt: skip
    moderator = ManagerFactory()
    partner_reviews.review_reply_hide(moderator=moderator, reply=reply, reason="第一次")
    partner_reviews.review_reply_hide(moderator=moderator, reply=reply, reason="第二次")
    assert reply.hidden_reason == "第一次"

    partner_reviews.review_reply_unhide(moderator=moderator, reply=reply)

    assert not reply.is_hidden and reply.hidden_reason == "第一次"


@pytest.mark.parametrize("name, args", [("partners:review-answer", [10**20]), ("partners:moderate", ["review", 10**20]),
                                        ("learning:question-report", [10**20])])  # fmt: skip
def test_an_id_past_the_databases_range_is_a_clean_4xx(client, shop, name, args):
    client.force_login(shop["manager"])
    response = client.post(reverse(name, args=args), {"do": "hide", "reason": "x", "text": "x", "reason_": "spam"})
    assert 400 <= response.status_code < 500


def test_the_answer_and_report_pages_cost_a_fixed_number_of_queries(client, shop, django_assert_max_num_queries):
    course = shop["course"]
    question = qa_services.question_ask(author=shop["review"].learner, lesson=course.lessons.first(), text="Q?")
    client.force_login(shop["manager"])
    client.get(reverse("partners:home"))
    # session, user, memberships, the review with its course, its answer, the partner's name
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:review-answer", args=[shop["review"].pk])).status_code == 200
    reader = UserFactory()
    Enrollment.objects.create(learner=reader, course=course)
    client.force_login(reader)
    # session, user, the question with its lesson and course
    with django_assert_max_num_queries(4):
        assert client.get(reverse("learning:question-report", args=[question.pk])).status_code == 200
