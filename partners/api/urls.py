from rest_framework.routers import SimpleRouter

from .views import (
    PartnerCampaignViewSet,
    PartnerCourseViewSet,
    PartnerEnrollmentViewSet,
    PartnerLessonViewSet,
    PartnerMemberViewSet,
    PartnerOrderViewSet,
    PartnerPublishRequestViewSet,
    PartnerStatementViewSet,
)

router = SimpleRouter()
router.register("partner/courses", PartnerCourseViewSet, basename="partner-course")
router.register("partner/lessons", PartnerLessonViewSet, basename="partner-lesson")
router.register("partner/publish-requests", PartnerPublishRequestViewSet, basename="partner-publish-request")
router.register("partner/orders", PartnerOrderViewSet, basename="partner-order")
router.register("partner/enrollments", PartnerEnrollmentViewSet, basename="partner-enrollment")
router.register("partner/campaigns", PartnerCampaignViewSet, basename="partner-campaign")
router.register("partner/members", PartnerMemberViewSet, basename="partner-member")
router.register("partner/statements", PartnerStatementViewSet, basename="partner-statement")
urlpatterns = router.urls
