"""Course text changes (services and admin) queue tagging through courses.hooks; price-only
edits and drafts do not."""

import pytest
from django.urls import reverse

from courses import services as course_services
from ml.models import ModelVersion, TaggingJob
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def active_version() -> ModelVersion:
    return ModelVersion.objects.create(
        name="v1", base_model="b", labels=["O"], artifact="ml/models/v1.zip", is_active=True
    )


def _queued() -> list[list[int]]:
    return list(TaggingJob.objects.order_by("pk").values_list("course_ids", flat=True))


def test_editing_a_published_courses_text_queues_its_tagging_after_commit(django_capture_on_commit_callbacks):
    course = CourseFactory(status="published")
    with django_capture_on_commit_callbacks() as callbacks:
        course_services.course_update(course=course, description_en="Now with oil painting.")
    assert _queued() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert _queued() == [[course.pk]]


def test_a_price_only_edit_and_a_drafts_text_queue_nothing(django_capture_on_commit_callbacks):
    published, draft = CourseFactory(status="published"), CourseFactory(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_update(course=published, price="99.00")
        course_services.course_update(course=draft, title_zh="新标题")
    assert _queued() == []


def test_publishing_a_course_queues_its_tagging(django_capture_on_commit_callbacks):
    draft = CourseFactory(status="draft", published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_publish(course=draft)
    assert _queued() == [[draft.pk]]


def _admin_form_data(client, course) -> dict[str, object]:
    """The course's admin change form as the page fills it in (inlines' management forms too)."""
    page = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    form = page.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "partners":
            value = [partner.pk for partner in value]
        data[name] = "" if value is None else value
    data.pop("cover", None)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, lesson in enumerate(formset.forms):
            for name in lesson.fields:
                value = lesson.instance.pk if name == "id" else lesson.initial.get(name, "")
                data[f"{formset.prefix}-{index}-{name}"] = value.pk if hasattr(value, "pk") else value
    return data


@pytest.mark.parametrize(
    ("edit", "queued"), [({"description_zh": "新的课程介绍：水彩。"}, True), ({"price": "199.00"}, False)]
)
def test_a_managers_admin_edit_queues_tagging_only_when_the_text_changed(
    client, manager, django_capture_on_commit_callbacks, edit, queued
):
    course = CourseFactory(status="published", lessons=1)
    client.force_login(manager)
    data = {**_admin_form_data(client, course), **edit}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:courses_course_change", args=[course.pk]), data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert str(getattr(course, next(iter(edit)))) == next(iter(edit.values()))
    assert _queued() == ([[course.pk]] if queued else [])
