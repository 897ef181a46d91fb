import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from PIL import Image

from courses import covers
from courses.models import Course
from tests.factories import CourseFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _get(client, course, language):
    return client.get(reverse("courses:cover", args=[course.slug, language]))


def test_cover_is_a_png_of_the_cards_shape(client, course):
    response = _get(client, course, "zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    assert image.size == covers.SIZE


def test_courses_get_different_covers(client):
    first = CourseFactory(slug="a-course", title_zh="同一个标题", track=Course.Track.ART)
    second = CourseFactory(slug="b-course", title_zh="同一个标题", track=Course.Track.ART)
    assert covers.draw(first) != covers.draw(second)


def test_cover_is_drawn_once_then_read_from_storage(course):
    name, drawn = covers.cover_png(course)
    again, not_drawn = covers.cover_png(course)
    assert drawn is not None and not_drawn is None
    assert again == name and default_storage.exists(name)


def test_each_language_and_each_partner_change_gets_its_own_cover(course):
    with translation.override("zh-hans"):
        chinese = covers.cover_key(course)
    with translation.override("en"):
        english = covers.cover_key(course)
    course.partners.add(PartnerFactory(name_zh="新伙伴"))
    with translation.override("zh-hans"):
        with_partner = covers.cover_key(course)
    assert len({chinese, english, with_partner}) == 3


def test_card_links_the_generated_cover_in_the_pages_language(client, course):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("courses:catalogue")).content.decode()
    assert f"/courses/{course.slug}/cover/en.png?v=" in html


def test_draft_course_cover_is_not_found_for_visitors(client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    assert _get(client, draft, "zh-hans").status_code == 404


def test_unknown_language_is_not_found(client, course):
    assert _get(client, course, "xx").status_code == 404


def test_current_key_is_cached_for_a_year(client, course):
    with translation.override("zh-hans"):
        key = covers.cover_key(course)
    response = client.get(reverse("courses:cover", args=[course.slug, "zh-hans"]), {"v": key})
    assert "immutable" in response["Cache-Control"]


def test_a_long_title_stays_inside_the_cover_in_two_lines(settings):
    font = covers._font(64, bold=True)
    width = covers.SIZE[0] - 2 * 56
    for text in ("一个非常非常长的课程标题用于测试自动换行以及省略号的效果", "Watercolour Landscapes " * 6):
        lines = covers._wrap(text, font, width)
        assert all(font.getlength(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
