"""Managers' skill reviews in the admin go through services and retire cached course pages."""

import pytest
from django.test import Client
from django.urls import reverse

from ml.models import CourseSkill, ModelVersion
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
CHIP = "?skill=%E6%B0%B4%E5%BD%A9"  # 水彩


@pytest.fixture
def skill() -> CourseSkill:
    version = ModelVersion.objects.create(
        name="v1", base_model="b", labels=["O"], artifact="ml/models/v1.zip", is_active=True
    )
    course = CourseFactory(title_zh="水彩课", title_en="", description_en="")
    return CourseSkill.objects.create(
        course=course, model_version=version, start=0, end=2, text="水彩", type="ART", confidence=0.9
    )


@pytest.mark.parametrize(("action", "review", "shown"), [("reject", "rejected", False), ("accept", "accepted", True)])
def test_a_review_in_the_admin_shows_on_cached_course_pages_at_once(
    client, manager, skill, django_capture_on_commit_callbacks, action, review, shown
):
    visitor, page = Client(), skill.course.get_absolute_url()
    assert CHIP in visitor.get(page).content.decode()  # now cached for visitors
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:ml_courseskill_changelist"), {"action": action, "_selected_action": [skill.pk]})

    skill.refresh_from_db()
    assert skill.review == review
    assert (CHIP in visitor.get(page).content.decode()) is shown


def test_a_correction_in_the_admin_retires_cached_pages_too(client, manager, skill, django_capture_on_commit_callbacks):
    visitor, page = Client(), skill.course.get_absolute_url()
    assert CHIP in visitor.get(page).content.decode()
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:ml_courseskill_change", args=[skill.pk]), {"start": 0, "end": 3, "type": "ART"})

    skill.refresh_from_db()
    assert (skill.text, skill.review) == ("水彩课", "corrected")
    assert "?skill=%E6%B0%B4%E5%BD%A9%E8%AF%BE" in visitor.get(page).content.decode()  # 水彩课
