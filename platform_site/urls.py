from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from courses.views import home

from . import views

admin.site.site_header = _("Course platform administration")
admin.site.site_title = _("Course platform")

urlpatterns = [
    path("", home, name="home"),
    path("", include("courses.urls")),
    path("", include("marketing.urls")),
    path("accounts/", include("accounts.urls")),
    path("lang/<str:code>/", views.switch_language, name="switch-language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("platform_site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
