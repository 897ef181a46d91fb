from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import TokenView
from courses.api.views import CourseViewSet, EnrollmentViewSet, LessonViewSet, OrderViewSet
from marketing.api.views import (
    CampaignViewSet,
    ChannelViewSet,
    CouponViewSet,
    PairingViewSet,
    ReferralCreditViewSet,
    ReferralLinkViewSet,
    ScoreViewSet,
    TrackedLinkViewSet,
)
from ml.api.recommendations import CourseRecommendationsView, LearnerRecommendationsView
from ml.api.views import (
    CourseSkillViewSet,
    ModelVersionViewSet,
    TaggingJobViewSet,
    TrainingCorpusViewSet,
    TrainingJobViewSet,
)
from surveys.api.views import ResponseViewSet, SurveyViewSet

router = DefaultRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("lessons", LessonViewSet, basename="lesson")
router.register("orders", OrderViewSet, basename="order")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("marketing/campaigns", CampaignViewSet, basename="campaign")
router.register("marketing/channels", ChannelViewSet, basename="channel")
router.register("marketing/links", TrackedLinkViewSet, basename="trackedlink")
router.register("marketing/coupons", CouponViewSet, basename="coupon")
router.register("marketing/surveys", SurveyViewSet, basename="survey")
router.register("marketing/responses", ResponseViewSet, basename="response")
router.register("marketing/scores", ScoreViewSet, basename="score")
router.register("marketing/pairings", PairingViewSet, basename="pairing")
router.register("ml/training-jobs", TrainingJobViewSet, basename="training-job")
router.register("ml/tagging-jobs", TaggingJobViewSet, basename="tagging-job")
router.register("ml/corpora", TrainingCorpusViewSet, basename="training-corpus")
router.register("ml/model-versions", ModelVersionViewSet, basename="model-version")
router.register("ml/course-skills", CourseSkillViewSet, basename="course-skill")
router.register("me/referral-links", ReferralLinkViewSet, basename="referral-link")
router.register("me/referral-credits", ReferralCreditViewSet, basename="referral-credit")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path(
        "courses/<slug:course_slug>/recommendations/",
        CourseRecommendationsView.as_view(),
        name="course-recommendations",
    ),
    path("me/recommendations/", LearnerRecommendationsView.as_view(), name="me-recommendations"),
    path("", include(router.urls)),
    path("", include("learning.api.urls")),
    path("", include("courses.media.api")),
    path("", include("partners.api.urls")),
]
