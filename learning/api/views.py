from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.request_user import request_user
from courses.models import Lesson
from learning import services
from learning.models import LessonProgress

from .serializers import LessonProgressSerializer, ProgressReportSerializer


class LessonProgressViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The requesting learner's own lesson progress; a report records where they are."""

    serializer_class = LessonProgressSerializer
    filterset_fields = {"lesson__course__slug": ["exact"], "lesson": ["exact"]}

    queryset = LessonProgress.objects.none()  # the model for the schema; rows come from get_queryset

    def get_queryset(self) -> QuerySet[LessonProgress]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return LessonProgress.objects.none()
        return (
            LessonProgress.objects.filter(learner=request_user(self.request))
            .select_related("lesson__course")
            .order_by("lesson__course_id", "lesson__position")
        )

    @extend_schema(request=ProgressReportSerializer, responses=LessonProgressSerializer)
    def create(self, request: Request) -> Response:
        report = ProgressReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        data = report.validated_data
        lesson = get_object_or_404(Lesson.objects.select_related("media"), pk=data["lesson"])
        if data["done"]:
            progress = services.lesson_mark_done(learner=request_user(request), lesson=lesson)
        else:
            progress = services.progress_report(
                learner=request_user(request),
                lesson=lesson,
                position=data["position"],
                watched=data["watched"],
                at=data["at"],
            )
        return Response(LessonProgressSerializer(progress).data)
