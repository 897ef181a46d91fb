import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "absent"),
    [("zh-hans", "页面不存在", "Page not found"), ("en", "Page not found", "页面不存在")],
)
def test_unknown_url_shows_the_sites_own_404_in_the_pages_language(client, language, heading, absent):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert heading in html
    assert absent not in html
    assert "URLconf" not in html  # never Django's debug page with the URL patterns


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "出错了"), ("en", "Something went wrong")])
def test_server_error_page_renders_without_a_request_context(language, heading):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert heading in response.content.decode()
