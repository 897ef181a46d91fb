"""Media uploads over the API: a manager posts a lesson's file (multipart), then follows its job."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.request_user import request_user
from jobs.services import job_cancel
from platform_site.parsers import FormParser, MultiPartParser

from ..api.permissions import IsCourseManager
from ..models import Lesson, MediaJob
from .jobs import media_job_create


class MediaJobSerializer(serializers.ModelSerializer):
    message = serializers.CharField(source="failure_message", read_only=True)

    class Meta:
        model = MediaJob
        fields = ["id", "lesson", "source_name", "status", "progress", "message", "error_code", "duration_seconds",
                  "created_at", "started_at", "finished_at"]  # fmt: skip
        read_only_fields = fields


class MediaUploadSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    file = serializers.FileField()


class MediaJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Media jobs, for course managers. Posting a file starts one; the lesson keeps its media until it succeeds."""

    serializer_class = MediaJobSerializer
    permission_classes = [IsCourseManager]
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["lesson", "status"]

    def get_queryset(self) -> QuerySet[MediaJob]:
        return MediaJob.objects.all()

    @extend_schema(request=MediaUploadSerializer, responses={202: MediaJobSerializer})
    def create(self, request: Request) -> Response:
        upload = MediaUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        lesson = get_object_or_404(Lesson, pk=upload.validated_data["lesson"])
        job, created = media_job_create(
            lesson=lesson, upload=upload.validated_data["file"], created_by=request_user(request),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
        )  # fmt: skip
        return Response(
            MediaJobSerializer(job).data, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        )

    @extend_schema(request=None, responses=MediaJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return Response(MediaJobSerializer(job_cancel(job=self.get_object())).data)


router = SimpleRouter()
router.register("media-jobs", MediaJobViewSet, basename="media-job")
urlpatterns = router.urls
