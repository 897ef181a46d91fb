from rest_framework.routers import SimpleRouter

from .questions import ID_PATTERN, AnswerViewSet, LessonQuestionViewSet, QuestionViewSet
from .reviews import CourseReviewViewSet
from .submissions import LessonSubmissionViewSet, SubmissionViewSet
from .views import LessonProgressViewSet

router = SimpleRouter()
router.register("me/progress", LessonProgressViewSet, basename="lesson-progress")
router.register(r"courses/(?P<course_slug>[^/.]+)/reviews", CourseReviewViewSet, basename="course-review")
router.register(rf"lessons/(?P<lesson_id>{ID_PATTERN})/questions", LessonQuestionViewSet, basename="lesson-question")
router.register("questions", QuestionViewSet, basename="question")
router.register("answers", AnswerViewSet, basename="answer")
router.register(
    rf"lessons/(?P<lesson_id>{ID_PATTERN})/submissions", LessonSubmissionViewSet, basename="lesson-submission"
)
router.register("submissions", SubmissionViewSet, basename="submission")
urlpatterns = router.urls
