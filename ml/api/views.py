from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.request_user import request_user
from courses.api.views import IDEMPOTENCY_HEADER
from jobs.services import job_cancel
from ml import selectors, services
from ml.models import CourseSkill, ModelVersion, TaggingJob, TrainingCorpus, TrainingJob
from platform_site.api import ModelPermissionsWithView
from platform_site.exceptions import ApplicationError, NotPermitted

from .serializers import (
    CourseSkillSerializer,
    ModelVersionSerializer,
    TaggingJobCreateSerializer,
    TaggingJobSerializer,
    TrainingCorpusCreateSerializer,
    TrainingCorpusSerializer,
    TrainingJobCreateSerializer,
    TrainingJobSerializer,
)


class _JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["status"]

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(job_cancel(job=self.get_object())).data)


class TrainingJobViewSet(mixins.CreateModelMixin, _JobViewSet):
    """Fine-tunes (managers). Creating one queues it on the GPU workers and answers 202."""

    serializer_class = TrainingJobSerializer
    queryset = TrainingJob.objects.select_related("model_version")

    @extend_schema(
        request=TrainingJobCreateSerializer, parameters=[IDEMPOTENCY_HEADER], responses={202: TrainingJobSerializer}
    )
    def create(self, request: Request) -> Response:
        body = TrainingJobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job, _created = services.training_job_create(
            user=request_user(request),
            params=body.validated_data,
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
        )
        return Response(TrainingJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class TrainingCorpusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imported training files (managers): CSV course records (silver) or JSONL spans (gold).
    Uploading one (multipart: name, file) reads it whole first; a bad file gets 400 and the reason."""

    permission_classes = [ModelPermissionsWithView]
    serializer_class = TrainingCorpusSerializer
    queryset = TrainingCorpus.objects.all()
    parser_classes = [MultiPartParser]

    @extend_schema(request=TrainingCorpusCreateSerializer, responses={201: TrainingCorpusSerializer})
    def create(self, request: Request) -> Response:
        body = TrainingCorpusCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        imported = services.corpus_import(
            name=body.validated_data["name"], upload=body.validated_data["file"], user=request_user(request)
        )
        return Response(TrainingCorpusSerializer(imported).data, status=status.HTTP_201_CREATED)


class TaggingJobViewSet(mixins.CreateModelMixin, _JobViewSet):
    serializer_class = TaggingJobSerializer
    queryset = TaggingJob.objects.select_related("model_version")

    @extend_schema(
        request=TaggingJobCreateSerializer, parameters=[IDEMPOTENCY_HEADER], responses={202: TaggingJobSerializer}
    )
    def create(self, request: Request) -> Response:
        body = TaggingJobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = body.validated_data.get("model_version") or ModelVersion.objects.filter(is_active=True).first()
        if version is None:
            raise ApplicationError(_("No model version is active; name one."), code="no_active_model")
        job, _created = services.tagging_job_create(
            version=version, course_ids=[c.pk for c in body.validated_data.get("courses", [])],
            user=request_user(request),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
        )  # fmt: skip
        return Response(TaggingJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ModelVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ModelVersionSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = ModelVersion.objects.all()

    @extend_schema(request=None, responses={202: TaggingJobSerializer})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def activate(self, request: Request, pk: str) -> Response:
        if not request.user.has_perm("ml.change_modelversion"):
            raise NotPermitted(_("You may not activate model versions."))
        job = services.model_version_activate(version=self.get_object())
        return Response(TaggingJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class CourseSkillViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Skills the active model found in published courses: readable by everyone."""

    serializer_class = CourseSkillSerializer
    permission_classes = [permissions.AllowAny]
    queryset = CourseSkill.objects.none()
    filterset_fields = {"course__slug": ["exact"], "type": ["exact"], "language": ["exact"]}

    def get_queryset(self) -> QuerySet[CourseSkill]:
        return selectors.active_skills().filter(course__status="published").select_related("course")
