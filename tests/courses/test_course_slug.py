"""A new course's slug comes from its title when the manager leaves it empty."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course
from tests.factories import CourseFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def create(**fields):
    fields = {"track": "knowledge", "description_zh": "简介", "price": 10, **fields}
    return services.course_create(partners=[PartnerFactory()], **fields)


def test_the_slug_comes_from_the_english_title():
    assert create(title_zh="数据分析", title_en="Data Analysis").slug == "data-analysis"


def test_a_course_with_a_chinese_title_only_gets_a_slug_all_the_same():
    slug = create(title_zh="水彩风景").slug
    assert slug.startswith("course-") and len(slug) == len("course-") + 8


def test_a_derived_slug_never_repeats_one_taken():
    CourseFactory(slug="data-analysis")
    assert create(title_zh="数据分析", title_en="Data Analysis").slug == "data-analysis-2"


def test_the_admin_add_form_takes_a_course_without_slug_or_english_title(client, manager):
    partner = PartnerFactory()
    client.force_login(manager)
    data = {
        "slug": "", "title_zh": "书法入门", "title_en": "", "description_zh": "从握笔开始。", "description_en": "",
        "track": "art", "level": "beginner", "language": "zh", "price": "99", "currency": "CNY",
        "partners": [partner.pk], "lessons-TOTAL_FORMS": "0", "lessons-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(reverse("admin:courses_course_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Course.objects.get(title_zh="书法入门").slug.startswith("course-")
