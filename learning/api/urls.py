from rest_framework.routers import SimpleRouter

from .reviews import CourseReviewViewSet
from .views import LessonProgressViewSet

router = SimpleRouter()
router.register("me/progress", LessonProgressViewSet, basename="lesson-progress")
router.register(r"courses/(?P<course_slug>[^/.]+)/reviews", CourseReviewViewSet, basename="course-review")
urlpatterns = router.urls
