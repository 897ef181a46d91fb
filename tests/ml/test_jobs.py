"""Job bookkeeping without a model: heartbeats, ownership, cancellation, reviews as gold data."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ml import corpus, selectors, services
from ml.models import CourseSkill, JobStatus, ModelVersion, TaggingJob
from ml.spans import Example, Span
from ml.tagging import tagging_job_run
from tests.factories import CourseFactory, UserFactory

ACCEPTED, REJECTED, CORRECTED, PENDING = (CourseSkill.Review.ACCEPTED, CourseSkill.Review.REJECTED,
                                          CourseSkill.Review.CORRECTED, CourseSkill.Review.PENDING)  # fmt: skip


def _version(name: str) -> ModelVersion:
    return ModelVersion.objects.create(name=name, base_model="b", labels=["O"], artifact=f"ml/models/{name}.zip")


def _skill(course, version, start, end, review=PENDING, type_="ART"):
    text = selectors.course_texts(course)["zh"]
    return CourseSkill.objects.create(course=course, model_version=version, start=start, end=end,
                                      text=text[start:end], type=type_, confidence=0.8, review=review)  # fmt: skip


@pytest.mark.django_db
def test_a_cancelled_tagging_job_reports_cancelled():
    CourseFactory()
    job = TaggingJob.objects.create(model_version=_version("v1"), cancel_requested=True)
    # The model (whose artifact does not exist here) is not even loaded: the job stops first.
    assert tagging_job_run(job_id=job.pk).status == JobStatus.CANCELLED


@pytest.mark.django_db
def test_cancelling_tagging_jobs_in_the_admin_needs_the_change_permission(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_taggingjob"))
    client.force_login(viewer)

    def actions() -> set[str]:
        form = client.get(reverse("admin:ml_taggingjob_changelist")).context["action_form"]
        return set(dict(form.fields["action"].choices)) if form else set()

    assert "cancel" not in actions()
    viewer.user_permissions.add(Permission.objects.get(codename="change_taggingjob"))
    assert "cancel" in actions()


@pytest.mark.django_db
def test_only_wholly_reviewed_texts_that_still_match_become_gold():
    old, new = _version("v1"), _version("v2")
    done = CourseFactory(title_zh="水彩与素描", description_zh="")  # text "水彩与素描\n"
    _skill(done, old, 0, 2, ACCEPTED)  # an older version's review: replaced by the newer one
    _skill(done, new, 0, 2, ACCEPTED)
    _skill(done, new, 3, 5, CORRECTED)
    _skill(done, new, 2, 3, REJECTED)
    half = CourseFactory(title_zh="油画入门", description_zh="")
    _skill(half, new, 0, 2, ACCEPTED)
    _skill(half, new, 2, 4, PENDING)  # unreviewed: the text would teach "no skill here"
    edited = CourseFactory(title_zh="书法", description_zh="")
    _skill(edited, new, 0, 2, ACCEPTED)
    edited.title_zh = "篆刻"
    edited.save()

    assert selectors.reviewed_examples() == [
        Example("水彩与素描\n", (Span(0, 2, "ART"), Span(3, 5, "ART"))),
    ]


@pytest.mark.django_db
def test_retagging_keeps_the_managers_reviews():
    version = _version("v1")
    course = CourseFactory(title_zh="水彩与素描", description_zh="", title_en="", description_en="")
    accepted = _skill(course, version, 0, 2, ACCEPTED)
    rejected = _skill(course, version, 3, 5, REJECTED)
    _skill(course, version, 2, 3, PENDING)
    CourseSkill.objects.create(course=course, model_version=version, start=0, end=2, text="油画", type="ART",
                               confidence=0.9, review=ACCEPTED, language="en")  # fmt: skip  # no English text now
    texts = [(course, "zh", "水彩与素描\n")]

    services.course_skills_store(version=version, courses=[course], texts=texts, found=[[
        Span(0, 2, "ART", 0.9), Span(3, 5, "ART", 0.7), Span(2, 3, "KNOWLEDGE", 0.6)]])  # fmt: skip

    rows = {(s.start, s.end, s.review) for s in CourseSkill.objects.filter(course=course)}
    assert rows == {(0, 2, ACCEPTED), (3, 5, REJECTED), (2, 3, PENDING)}
    assert CourseSkill.objects.filter(pk__in=[accepted.pk, rejected.pk]).count() == 2
    assert CourseSkill.objects.get(course=course, review=PENDING).type == "KNOWLEDGE"  # the new prediction


def test_a_title_copy_never_sits_in_dev_beside_its_full_text_in_training():
    examples = []
    for n in range(50):
        examples += [Example(f"Course {n}\nLearn Python.", ()), Example(f"Course {n}", ())]
    train, dev = corpus.split(examples, dev_share=0.2)
    titles = {e.text.split("\n")[0] for e in train}
    assert len(dev) == 20 and not titles & {e.text.split("\n")[0] for e in dev}
    # Texts without a title are not one group: they are split one by one.
    untitled = [Example(f"\nLearn topic {n}.", ()) for n in range(50)]
    assert [len(part) for part in corpus.split(untitled, dev_share=0.2)] == [40, 10]
