from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from ml.recommendations import course_recommendations, learner_recommendations
from platform_site.shortcuts import found


class RecommendationSerializer(serializers.Serializer):
    slug = serializers.CharField(source="course.slug")
    title = serializers.CharField(source="course.title")
    track = serializers.CharField(source="course.track")
    score = serializers.FloatField()
    reason = serializers.CharField()


class CourseRecommendationsSerializer(serializers.Serializer):
    similar = RecommendationSerializer(many=True)
    pair_with = RecommendationSerializer(many=True)
    bought_together = RecommendationSerializer(many=True)


class LearnerRecommendationsSerializer(serializers.Serializer):
    for_you = RecommendationSerializer(many=True)


class CourseRecommendationsView(APIView):
    """Similar courses, courses of the other track to pair with a published course and courses
    often bought with it, each with why; never the course itself nor one the signed-in learner is enrolled in."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("course_slug", str, OpenApiParameter.PATH, description="The course's slug.")],
        responses=CourseRecommendationsSerializer,
    )
    def get(self, request: Request, course_slug: str) -> Response:
        course = found(Course.objects.published().filter(slug=course_slug).first())
        user_id = request.user.pk if request.user.is_authenticated else None
        rows = course_recommendations(course=course, user_id=user_id)
        return Response(CourseRecommendationsSerializer(rows).data)


class LearnerRecommendationsView(APIView):
    """Published courses for the signed-in learner (near what they take, or popular while they
    take nothing), each with why; never one they own. Anonymous callers get 401."""

    @extend_schema(responses=LearnerRecommendationsSerializer)
    def get(self, request: Request) -> Response:
        assert request.user.pk is not None  # IsAuthenticated, the API's default, let only learners in
        found = {"for_you": learner_recommendations(user_id=request.user.pk)}
        return Response(LearnerRecommendationsSerializer(found).data)
