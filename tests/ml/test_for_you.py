""" "For you" from a learner's enrollments, progress, survey answers and skills: never a course they
own, each with one line of why, on the home page and "my learning", a fixed number of queries."""

import pytest
from django.utils import timezone

from courses.models import Enrollment
from learning.models import LessonProgress
from ml.models import CourseSkill, ModelVersion
from surveys.models import Response
from tests.factories import CourseFactory, LessonFactory, SurveyFactory, UserFactory
from tests.ml import test_recommendations as embedded
from tests.ml.test_recommendations import _slugs, _store

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/recommendations/"
catalogue = embedded.catalogue  # python [1,0,0], data [.9,.1,0], stats [.7,.3,0], watercolour [.5,0,.5], sketch [0,0,1]


def _enrol(learner, *courses):
    for course in courses:
        Enrollment.objects.create(learner=learner, course=course)


def _wants(learner, *, knowledge=False, art=False):
    Response.objects.create(
        survey=SurveyFactory(), respondent=learner, respondent_scope=f"user:{learner.pk}", idempotency_key="k",
        wants_knowledge=knowledge, wants_art=art,
    )  # fmt: skip


def _for_you(api_client, learner, language="en"):
    api_client.force_authenticate(learner)
    return api_client.get(ME, HTTP_ACCEPT_LANGUAGE=language).json()["for_you"]


def test_never_recommends_what_the_learner_owns_whatever_the_signals(api_client, learner, catalogue):
    _enrol(learner, catalogue["python"], catalogue["sketch"])
    _wants(learner, knowledge=True, art=True)
    slugs = _slugs(_for_you(api_client, learner))
    assert slugs and not {"python", "sketch"} & set(slugs)


def test_a_learner_who_owns_everything_gets_nothing(api_client, learner, catalogue):
    _enrol(learner, *catalogue.values())
    assert _for_you(api_client, learner) == []


def test_saying_you_want_art_brings_art_up(api_client, learner, catalogue):
    _enrol(learner, catalogue["stats"])  # nearest: data, python, then watercolour
    assert _slugs(_for_you(api_client, learner))[:3] == ["data", "python", "watercolour"]
    _wants(learner, art=True)
    body = _for_you(api_client, learner)
    assert _slugs(body)[:3] == ["data", "watercolour", "python"]
    assert body[1]["reason"] == "You said you want art training"


def test_a_course_the_learner_studies_weighs_more_than_one_left_untouched(api_client, learner, catalogue):
    _enrol(learner, catalogue["python"], catalogue["sketch"])
    assert _slugs(_for_you(api_client, learner))[0] == "watercolour"  # between the two
    lessons = [LessonFactory(course=catalogue["sketch"]) for _ in range(2)]
    for lesson in lessons:
        LessonProgress.objects.create(learner=learner, lesson=lesson, completed_at=timezone.now())
    LessonFactory(course=catalogue["python"])
    body = _for_you(api_client, learner)
    assert _slugs(body)[0] == "watercolour"
    # sketch done, python untouched: watercolour (half art) now beats data (all knowledge) by more.
    assert body[0]["score"] > body[1]["score"]


def test_skills_the_learner_has_bring_a_course_up_and_say_so(api_client, learner, catalogue):
    version = ModelVersion.objects.create(name="v", base_model="m", is_active=True, labels=[])
    for slug, text in [("sketch", "素描"), ("stats", "素描"), ("stats", "统计")]:
        CourseSkill.objects.create(
            course=catalogue[slug], model_version=version, start=0, end=2, text=text, type="ART", confidence=0.9
        )
    _enrol(learner, catalogue["sketch"])
    body = _for_you(api_client, learner, "zh-hans")
    stats = next(row for row in body if row["slug"] == "stats")
    assert stats["reason"] == "延续你课程里的素描"


def test_without_courses_a_learner_who_wants_knowledge_sees_knowledge_first(api_client, learner, catalogue):
    for _ in range(3):
        _enrol(UserFactory(), catalogue["sketch"])
    _wants(learner, knowledge=True)
    body = _for_you(api_client, learner, "zh-hans")
    assert {row["track"] for row in body[:3]} == {"knowledge"}
    assert body[0]["reason"] == "你说过想学知识类内容"


@pytest.mark.parametrize("page", ["/", "/me/"])
def test_the_home_page_and_my_learning_show_for_you(client, learner, catalogue, page, django_assert_max_num_queries):
    _enrol(learner, catalogue["python"])
    client.force_login(learner)
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "为你推荐" in html and 'data-testid="for-you"' in html
    assert catalogue["python"].get_absolute_url() not in html.split('data-testid="for-you"')[1].split("</section>")[0]


@pytest.mark.parametrize("owned", [1, 3])
def test_for_you_on_the_home_page_costs_the_same_whatever_the_catalogue(
    client, learner, catalogue, owned, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(20):
            _store(CourseFactory(status="published", track="art"), [0.1 * number, 0.2, 1])
    _enrol(learner, *list(catalogue.values())[:owned])
    client.force_login(learner)
    client.get("/")  # the index, once per catalogue version
    with django_assert_max_num_queries(20):
        assert client.get("/").status_code == 200
