from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from courses.api.views import CourseViewSet, EnrollmentViewSet, LessonViewSet, OrderViewSet

router = DefaultRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("lessons", LessonViewSet, basename="lesson")
router.register("orders", OrderViewSet, basename="order")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
