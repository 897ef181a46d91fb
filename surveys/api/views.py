from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from courses.api.views import IDEMPOTENCY_HEADER
from platform_site.api import ModelPermissionsWithView
from platform_site.throttling import client_ip
from surveys import selectors, services
from surveys.forms import SurveyForm
from surveys.respondents import remember_respondent, respondent_token

from .serializers import ResponseSerializer, SurveySerializer, SurveySubmissionSerializer


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Surveys. Anyone reads an open survey's questions and answers it; managers list them all."""

    serializer_class = SurveySerializer
    lookup_field = "slug"
    queryset = selectors.survey_list()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "list":
            return [ModelPermissionsWithView()]
        return [permissions.AllowAny()]

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        # A client reads the questions before answering: give an anonymous one its respondent token
        # now, so that even a retry of its first submission (whose answer it lost) is idempotent.
        response = super().retrieve(request, *args, **kwargs)
        if not request.user.is_authenticated:
            token, new = respondent_token(request)
            if new:
                remember_respondent(response, token)
        return response

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
        token, new_token = respondent_token(request) if user is None else ("", False)
        services.check_survey_open(survey=survey, respondent=user)
        data = {f"q{qid}": value for qid, value in body.validated_data["answers"].items()}
        form = SurveyForm(survey, data={**data, "idempotency_key": key})
        if not form.is_valid():
            raise ValidationError(
                {name.removeprefix("q"): [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        stored, created = services.survey_submit(
            survey=survey, respondent=user, answers=form.answers(), idempotency_key=key, respondent_token=token,
            client=client_ip(request), link_code=body.validated_data.get("c", ""),
        )  # fmt: skip
        response = Response(ResponseSerializer(stored).data, status=status.HTTP_201_CREATED if created else 200)
        if new_token:
            remember_respondent(response, token)
        return response


class ResponseViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey responses, filterable by survey, campaign and channel (managers)."""

    serializer_class = ResponseSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = selectors.response_list()
    filterset_fields = ["survey__slug", "campaign", "channel"]
