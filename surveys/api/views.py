from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from courses.api.views import IDEMPOTENCY_HEADER
from platform_site.api import ModelPermissionsWithView
from surveys import selectors, services
from surveys.forms import SurveyForm

from .serializers import ResponseSerializer, SurveySerializer, SurveySubmissionSerializer


class SurveyThrottle(ScopedRateThrottle):
    """Anonymous survey submissions per client; signed-in learners answer once per survey anyway."""

    scope = "survey"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Surveys. Anyone reads an open survey's questions and answers it; managers list them all."""

    serializer_class = SurveySerializer
    lookup_field = "slug"
    queryset = selectors.survey_list()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "list":
            return [ModelPermissionsWithView()]
        return [permissions.AllowAny()]

    def get_throttles(self) -> list:
        return [SurveyThrottle()] if self.action == "respond" else super().get_throttles()

    @extend_schema(
        request=SurveySubmissionSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: ResponseSerializer, 200: ResponseSerializer},
    )
    @action(detail=True, methods=["post"], url_path="responses")
    def respond(self, request: Request, slug: str) -> Response:
        survey = self.get_object()
        key = request.headers.get("Idempotency-Key", "")[:64]
        if not key:
            raise ValidationError(
                {"Idempotency-Key": [_("Send an Idempotency-Key header: a retry must not answer twice.")]}
            )
        body = SurveySubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        services.check_survey_open(survey=survey, respondent=user)
        data = {f"q{qid}": value for qid, value in body.validated_data["answers"].items()}
        form = SurveyForm(survey, data={**data, "idempotency_key": key})
        if not form.is_valid():
            # An ErrorList is a list of messages, which DRF renders; DRF's stubs do not list Django's error types.
            raise ValidationError({name.removeprefix("q"): errors for name, errors in form.errors.items()})  # type: ignore[misc]
        response, created = services.survey_submit(
            survey=survey, respondent=user, answers=form.answers(), idempotency_key=key,
            link_code=body.validated_data.get("c", ""),
        )  # fmt: skip
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED if created else 200)


class ResponseViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey responses, filterable by survey, campaign and channel (managers)."""

    serializer_class = ResponseSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = selectors.response_list()
    filterset_fields = ["survey__slug", "campaign", "channel"]
