import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Enrollment, Order
from tests.factories import CourseFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_home_lists_courses_by_track(client, course):
    response = client.get("/")
    assert response.status_code == 200
    assert course.title_zh in response.content.decode()


def test_pages_are_chinese_by_default_and_english_after_switching(client, course):
    assert "课程目录" in client.get(reverse("courses:catalogue")).content.decode()

    client.get(reverse("switch-language", args=["en"]), {"next": "/courses/"})
    page = client.get(reverse("courses:catalogue")).content.decode()

    assert "Catalogue" in page
    assert course.title_en in page


def test_language_switch_refuses_offsite_next_and_unknown_languages(client):
    response = client.get(reverse("switch-language", args=["fr"]), {"next": "https://evil.example.com/"})
    assert response.url == "/"
    assert "django_language" not in response.cookies


def test_catalogue_filters_by_track_price_partner_and_text(client):
    partner = PartnerFactory(slug="qingyu")
    art = CourseFactory(track="art", price=300, title_zh="水墨画", partners=[partner])
    CourseFactory(track="knowledge", price=100, title_zh="数据分析")
    CourseFactory(track="art", price=900, title_zh="油画大师")

    def titles(**params):
        page = client.get(reverse("courses:catalogue"), params).content.decode()
        return {title for title in ("水墨画", "数据分析", "油画大师") if title in page}

    assert titles(track="art", price_max=500) == {art.title_zh}
    assert titles(partner="qingyu") == {art.title_zh}
    assert titles(q="数据") == {"数据分析"}


def test_catalogue_shows_field_errors_for_bad_filters_instead_of_failing(client, course):
    response = client.get(reverse("courses:catalogue"), {"price_min": "cheap", "track": "poetry"})
    assert response.status_code == 200
    assert response.content.decode().count('class="error"') == 2


def test_catalogue_paginates_and_keeps_filters_in_page_links(client):
    for _ in range(13):
        CourseFactory(track="art", lessons=0)
    page = client.get(reverse("courses:catalogue"), {"track": "art"}).content.decode()
    assert page.count('<article class="card') == 12
    assert "?track=art&amp;page=2" in page


def test_draft_course_is_not_found_for_learners(client):
    assert client.get(CourseFactory(status="draft").get_absolute_url()).status_code == 404


def test_course_page_shows_locked_lessons_to_visitors(client, course):
    page = client.get(course.get_absolute_url()).content.decode()
    assert page.count('class="locked"') == 2
    assert page.count('class="unlocked"') == 1


def test_locked_lesson_redirects_to_the_course_and_preview_opens(client, course):
    assert client.get(reverse("courses:lesson", args=[course.slug, 1])).status_code == 200
    response = client.get(reverse("courses:lesson", args=[course.slug, 2]))
    assert response.status_code == 302
    assert response.url == course.get_absolute_url()


def test_enrolled_learner_opens_every_lesson(client, learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    client.force_login(learner)
    response = client.get(reverse("courses:lesson", args=[course.slug, 3]))
    assert response.status_code == 200
    assert course.lessons.get(position=3).body_zh in response.content.decode()


def test_buy_redirects_to_the_gateway_and_paying_unlocks_the_course(client, learner, course):
    client.force_login(learner)
    response = client.post(reverse("courses:buy", args=[course.slug]), {"checkout_key": "k"})
    order = Order.objects.get()
    assert response.url == reverse("courses:sandbox-gateway", args=[order.number])

    response = client.post(response.url, {"action": "pay"}, follow=True)

    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    assert Order.objects.get().status == "paid"
    assert client.get(reverse("courses:lesson", args=[course.slug, 3])).status_code == 200


def test_free_course_enrolls_on_click(client, learner, free_course):
    client.force_login(learner)
    client.post(reverse("courses:buy", args=[free_course.slug]))
    assert Enrollment.objects.filter(learner=learner, course=free_course).exists()


def test_gateway_page_of_another_learner_is_not_found(client, other_learner, course, learner):
    order = Order.objects.create(learner=learner, course=course, amount=1, currency="CNY", provider="sandbox")
    client.force_login(other_learner)
    assert client.get(reverse("courses:sandbox-gateway", args=[order.number])).status_code == 404
    assert client.post(reverse("courses:order-cancel", args=[order.number])).status_code == 404


def test_my_learning_needs_login_and_lists_own_courses(client, learner, other_learner, course, free_course):
    assert client.get(reverse("courses:my-learning")).status_code == 302
    Enrollment.objects.create(learner=learner, course=course)
    Enrollment.objects.create(learner=other_learner, course=free_course)
    client.force_login(learner)
    enrollments = list(client.get(reverse("courses:my-learning")).context["enrollments"])
    assert [e.course for e in enrollments] == [course]


def test_signup_logs_in_and_returns_to_the_course(client, course):
    response = client.post(
        reverse("signup"),
        {
            "username": "carol",
            "email": "carol@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "next": course.get_absolute_url(),
        },
    )
    assert response.url == course.get_absolute_url()
    assert client.get(reverse("courses:my-learning")).status_code == 200


def test_signup_shows_field_errors(client, learner):
    response = client.post(
        reverse("signup"), {"username": "", "email": learner.email, "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    assert {"username", "email", "password2"} <= set(response.context["form"].errors)


def test_signup_refuses_an_offsite_next(client):
    response = client.post(
        reverse("signup") + "?next=https://evil.example.com/",
        {
            "username": "dan",
            "email": "dan@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.url == reverse("courses:my-learning")


def test_password_reset_sends_an_email(client, learner):
    response = client.post(reverse("password_reset"), {"email": learner.email})
    assert response.status_code == 302
    assert mail.outbox[0].to == [learner.email]


@pytest.mark.parametrize("count", [5, 200])
def test_catalogue_costs_the_same_queries_for_5_and_200_courses(client, django_assert_max_num_queries, count):
    partners = [PartnerFactory(), PartnerFactory()]
    for _ in range(count):
        CourseFactory(partners=partners, lessons=0)
    # count + page + partners, and the filter form's partner choices
    with django_assert_max_num_queries(4):
        response = client.get(reverse("courses:catalogue"))
    assert response.status_code == 200


def test_warm_catalogue_costs_no_query_and_any_course_write_refreshes_it(client, django_assert_max_num_queries):
    CourseFactory(title_zh="水墨画")
    client.get(reverse("courses:catalogue"))
    with django_assert_max_num_queries(0):
        client.get(reverse("courses:catalogue"))

    CourseFactory(title_zh="油画大师")

    assert "油画大师" in client.get(reverse("courses:catalogue")).content.decode()


def test_managers_see_drafts_in_the_catalogue_and_visitors_never_do(client, manager):
    CourseFactory(title_zh="草稿课程", status="draft")
    client.force_login(manager)
    assert "草稿课程" in client.get(reverse("courses:catalogue")).content.decode()
    client.logout()
    assert "草稿课程" not in client.get(reverse("courses:catalogue")).content.decode()


@pytest.mark.parametrize("lessons", [3, 40])
def test_course_page_queries_do_not_grow_with_lessons(client, learner, django_assert_max_num_queries, lessons):
    course = CourseFactory(lessons=lessons)
    client.force_login(learner)
    # session, user, course, partners, lessons, enrollments, two permission reads, pending order, skills,
    # the learner's lesson progress and the gallery of published works (learning), the running
    # campaigns of the course (marketing) and the recommendations' vectors and co-purchase rules (ml;
    # once per catalogue version, none stored here)
    with django_assert_max_num_queries(15):
        client.get(course.get_absolute_url())


def test_visitors_without_a_session_share_one_cached_page(client, django_assert_max_num_queries, course):
    first = client.get(course.get_absolute_url())
    with django_assert_max_num_queries(0):
        second = client.get(course.get_absolute_url())
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_a_logged_in_learner_never_gets_the_visitors_copy(client, learner, course):
    client.get(course.get_absolute_url())  # cached for visitors
    client.force_login(learner)
    page = client.get(course.get_absolute_url()).content.decode()
    assert reverse("courses:my-learning") in page
    assert 'data-testid="buy"' in page and "csrfmiddlewaretoken" in page


def test_cached_pages_follow_the_chosen_language(client, course):
    client.get(course.get_absolute_url())
    client.cookies["django_language"] = "en"
    assert course.title_en in client.get(course.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_weak_password_error_shows_under_the_password_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("signup"), {"username": "carol", "email": "carol@example.com", "password1": "abc", "password2": "abc"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"password1"}
    assert "密码太短" in " ".join(errors["password1"])


@pytest.mark.django_db
def test_sign_up_says_welcome(client):
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("signup"),
        {
            "username": "carol",
            "email": "carol@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        follow=True,
    )
    assert "Welcome, carol!" in response.content.decode()
