from rest_framework.routers import SimpleRouter

from .views import LessonProgressViewSet

router = SimpleRouter()
router.register("me/progress", LessonProgressViewSet, basename="lesson-progress")
urlpatterns = router.urls
