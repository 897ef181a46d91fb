""" "Learners who bought this also bought" (co-purchase rules with lift and a minimum support) and
the signed-in learner's "for you" row: never what they own, a fixed number of queries."""

import pytest

from courses.models import Enrollment, Order
from tests.factories import CourseFactory, OrderFactory, UserFactory
from tests.ml import test_recommendations as embedded
from tests.ml.test_recommendations import _slugs, _store

pytestmark = pytest.mark.django_db
URL = "/api/v1/courses/{}/recommendations/"
ME = "/api/v1/me/recommendations/"
catalogue = embedded.catalogue  # the five embedded courses: python, data, stats, watercolour, sketch


@pytest.fixture(autouse=True)
def _support(settings):
    settings.RECOMMEND_MIN_SUPPORT = 3


def _buy(learner, *courses, status=Order.Status.PAID):
    for course in courses:
        OrderFactory(learner=learner, course=course, status=status)


def _learners_buy(count, *courses, status=Order.Status.PAID):
    for _ in range(count):
        _buy(UserFactory(), *courses, status=status)


def test_two_learners_make_no_rule_and_three_do(api_client, catalogue):
    python, sketch = catalogue["python"], catalogue["sketch"]
    _learners_buy(2, python, sketch)
    assert api_client.get(URL.format("python")).json()["bought_together"] == []
    _learners_buy(1, python, sketch)
    from django.core.cache import cache

    cache.clear()  # the rules are cached per catalogue version; orders expire them with the timeout
    body = api_client.get(URL.format("python"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert _slugs(body["bought_together"]) == ["sketch"]
    assert body["bought_together"][0]["reason"] == "Often bought together"


def test_one_learners_many_orders_of_a_pair_count_once(api_client, catalogue):
    learner = UserFactory()
    _buy(learner, catalogue["python"], catalogue["sketch"])
    _buy(learner, catalogue["python"], catalogue["sketch"], status=Order.Status.REFUNDED)
    _learners_buy(1, catalogue["python"], catalogue["sketch"])
    assert api_client.get(URL.format("python")).json()["bought_together"] == []


def test_bought_together_comes_by_lift(api_client, catalogue):
    python, sketch, data = catalogue["python"], catalogue["sketch"], catalogue["data"]
    # sketch: 3 of its 3 buyers also bought python; data: 4 of its 10 buyers did. More learners
    # buy data with python, but sketch goes with python far more than chance: it comes first.
    _learners_buy(3, python, sketch)
    _learners_buy(4, python, data)
    _learners_buy(6, data)
    body = api_client.get(URL.format("python"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert _slugs(body["bought_together"]) == ["sketch", "data"]
    assert body["bought_together"][0]["score"] > body["bought_together"][1]["score"]
    assert body["bought_together"][0]["reason"] == "常被一起购买"


def test_refunded_orders_do_not_count(api_client, catalogue):
    _learners_buy(2, catalogue["python"], catalogue["sketch"])
    _learners_buy(3, catalogue["python"], catalogue["sketch"], status=Order.Status.REFUNDED)
    assert api_client.get(URL.format("python")).json()["bought_together"] == []


def test_bought_together_never_shows_what_the_learner_owns(api_client, learner, catalogue):
    _learners_buy(3, catalogue["python"], catalogue["sketch"], catalogue["data"])
    Enrollment.objects.create(learner=learner, course=catalogue["sketch"])
    api_client.force_authenticate(learner)
    assert _slugs(api_client.get(URL.format("python")).json()["bought_together"]) == ["data"]


def test_bought_together_skips_unpublished_courses(api_client, catalogue):
    draft = CourseFactory(status="draft")
    _learners_buy(3, catalogue["python"], draft)
    assert api_client.get(URL.format("python")).json()["bought_together"] == []


def test_the_course_page_shows_bought_together(client, catalogue):
    _learners_buy(3, catalogue["python"], catalogue["sketch"])
    page = client.get(catalogue["python"].get_absolute_url()).content.decode()
    assert "买过这门课的学员还买了" in page and "常被一起购买" in page


@pytest.mark.parametrize("extra", [0, 30])
def test_rules_cost_one_query_whatever_the_orders(api_client, catalogue, extra, django_assert_max_num_queries):
    _learners_buy(3 + extra, catalogue["python"], catalogue["sketch"], catalogue["data"])
    # the course, the index, the rules, the recommended courses, their skills
    with django_assert_max_num_queries(5):
        assert api_client.get(URL.format("python")).status_code == 200
    with django_assert_max_num_queries(3):  # index and rules held: the course, the courses, the skills
        assert api_client.get(URL.format("python")).status_code == 200


# ------------------------------------------------------------------------------ for you
def test_anonymous_is_refused(api_client, catalogue):
    assert api_client.get(ME).status_code == 401


def test_for_you_is_near_the_learners_courses_and_never_one_they_own(api_client, learner, catalogue):
    for slug in ("watercolour", "sketch"):
        Enrollment.objects.create(learner=learner, course=catalogue[slug])
    api_client.force_authenticate(learner)
    body = api_client.get(ME, HTTP_ACCEPT_LANGUAGE="en").json()
    slugs = _slugs(body["for_you"])
    assert slugs[0] == "python" and not {"watercolour", "sketch"} & set(slugs)
    assert body["for_you"][0]["reason"] == "Close to the courses you are taking"


def test_for_you_without_courses_is_the_most_popular_then_newest(api_client, learner, catalogue):
    for _ in range(2):
        Enrollment.objects.create(learner=UserFactory(), course=catalogue["stats"])
    Enrollment.objects.create(learner=UserFactory(), course=catalogue["data"])
    CourseFactory(status="draft")
    api_client.force_authenticate(learner)
    body = api_client.get(ME, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert _slugs(body["for_you"])[:2] == ["stats", "data"]
    assert len(body["for_you"]) == 4
    assert body["for_you"][0]["reason"] == "深受学员欢迎"


@pytest.mark.parametrize("owned", [0, 1, 3])
def test_for_you_costs_a_fixed_number_of_queries(
    api_client, learner, catalogue, owned, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            _store(CourseFactory(status="published", track="art"), [0.1 * number, 0.2, 1])
    for slug in list(catalogue)[:owned]:
        Enrollment.objects.create(learner=learner, course=catalogue[slug])
    api_client.force_authenticate(learner)
    # the learner's enrollments and survey wants, the index once per version, their progress, the
    # lexicon and the skills of their courses and the candidates, the recommended courses
    with django_assert_max_num_queries(7):
        assert api_client.get(ME).status_code == 200
