"""The course page's recommendation rows in a real browser: screenshots at desktop and phone width."""

import numpy as np
import pytest

from ml import services
from tests.factories import CourseFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_course_page_shows_similar_and_pair_rows(browser, live_server, settings):  # noqa: F811
    settings.ML_EMBEDDING_MODEL = "test-encoder"
    titles = [("python", "knowledge", "Python 编程入门", "Python programming"),
              ("data", "knowledge", "数据分析实战", "Data analysis in practice"),
              ("colour", "art", "水彩色彩理论", "Watercolour and colour theory"),
              ("sketch", "art", "速写基础", "Sketching basics")]  # fmt: skip
    courses = {}
    for number, (slug, track, zh, en) in enumerate(titles):
        courses[slug] = CourseFactory(status="published", track=track, slug=slug, title_zh=zh, title_en=en)
        vector = np.array([1, 0.3 * number, 0.1], dtype=np.float32)
        vector /= np.linalg.norm(vector)
        services.course_embeddings_store(model_name="test-encoder", rows=[(courses[slug].pk, "d", vector.tobytes(), 3)])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        for width in (1366, 390):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            page.goto(f"{live_server.url}{courses['python'].get_absolute_url()}")
            section = page.get_by_test_id("recommendations")
            assert section.is_visible()
            section.scroll_into_view_if_needed()
            page.screenshot(path=SCREENSHOTS / f"recommendations-{language}-{width}.png", full_page=True)
            context.close()
