from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from courses.views import home

from . import views

admin.site.site_header = _("Course platform administration")
admin.site.site_title = _("Course platform")
handler404 = views.page_not_found

urlpatterns = [
    path("", home, name="home"),
    path("", include("courses.urls")),
    path("", include("learning.urls")),
    path("", include("marketing.urls")),
    path("", include("surveys.urls")),
    path("partner/", include("partners.urls")),
    path("accounts/", include("accounts.urls")),
    path("lang/<str:code>/", views.switch_language, name="switch-language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("platform_site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script):
    # the Content-Security-Policy refuses inline scripts.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
if settings.SERVE_MEDIA:
    # The embedded defaults serve uploads themselves, with DEBUG off too (`make run` shows the
    # site's own error pages); production hands /media/ to the web server or object storage.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]
