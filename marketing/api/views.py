from __future__ import annotations

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from courses.api.views import IDEMPOTENCY_HEADER
from courses.models import Order
from marketing import scores, selectors, services, tasks
from marketing.forms import SurveyForm
from marketing.models import Campaign, CampaignScore, Channel, Coupon, OrderAttribution, Survey, TrackedLink
from marketing.models import Response as SurveyResponse
from platform_site.api import ModelPermissionsWithView
from platform_site.queueing import enqueue

from .serializers import (
    CampaignScoreSerializer,
    CampaignSerializer,
    ChannelSerializer,
    CouponSerializer,
    ReferralCreditSerializer,
    ReferralLinkCreateSerializer,
    ReferralLinkSerializer,
    ResponseSerializer,
    ScoreCalculatorSerializer,
    ScoreResultSerializer,
    SurveySerializer,
    SurveySubmissionSerializer,
    TrackedLinkSerializer,
)


class CampaignViewSet(viewsets.ModelViewSet):
    """Joint campaigns (course managers). Figures come from the last periodic refresh."""

    serializer_class = CampaignSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = Campaign.objects.prefetch_related("partner_shares__partner", "knowledge_courses", "art_courses")
    lookup_field = "slug"
    filterset_fields = ["status"]

    @extend_schema(request=None, responses={200: OpenApiResponse(description="The campaign's latest figures.")})
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        snapshot = getattr(campaign, "stats", None)
        if snapshot is None:
            return Response({"computed_at": None, "figures": None})
        return Response({"computed_at": snapshot.computed_at, "figures": snapshot.data})

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"], url_path="refresh-stats")
    def refresh_stats(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        enqueue(tasks.campaign_stats_refresh_task)  # 503 when the broker is down: the caller retries
        return Response({"campaign": campaign.slug, "queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: OpenApiResponse(description="Latest scores and their history.")})
    @action(detail=True, methods=["get"])
    def scores(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        history = CampaignScoreSerializer(campaign.scores.all()[:100], many=True).data
        return Response({"current": history[0] if history else None, "history": history})

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"], url_path="scores/refresh")
    def refresh_scores(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        enqueue(tasks.campaign_scores_refresh_task, [campaign.pk])
        return Response({"campaign": campaign.slug, "queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path=r"status/(?P<new_status>[a-z]+)")
    def set_status(self, request: Request, slug: str, new_status: str) -> Response:
        if new_status not in Campaign.Status.values:
            return Response(
                {"message": _("Unknown status."), "code": "invalid", "extra": {"fields": {"status": [new_status]}}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        campaign = services.campaign_set_status(campaign=self.get_object(), status=new_status)
        return Response(self.get_serializer(campaign).data)


class ChannelViewSet(viewsets.ModelViewSet):
    serializer_class = ChannelSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = Channel.objects.all()
    filterset_fields = ["campaign", "kind"]


class TrackedLinkViewSet(viewsets.ModelViewSet):
    serializer_class = TrackedLinkSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = TrackedLink.objects.all()
    filterset_fields = ["channel"]


class CouponViewSet(viewsets.ModelViewSet):
    serializer_class = CouponSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = Coupon.objects.prefetch_related("courses")
    filterset_fields = ["campaign"]


class ReferralLinkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's own referral links; POST {"campaign": slug} returns (or makes) the link."""

    serializer_class = ReferralLinkSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = TrackedLink.objects.none()

    def get_queryset(self) -> QuerySet[TrackedLink]:
        return TrackedLink.objects.filter(referrer=self.request.user).select_related("channel__campaign")

    @extend_schema(request=ReferralLinkCreateSerializer, responses={201: ReferralLinkSerializer})
    def create(self, request: Request) -> Response:
        data = ReferralLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = get_object_or_404(Campaign, pk=data.validated_data["campaign"].pk)
        link = services.referral_link_for(learner=request.user, campaign=campaign)
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)


class ReferralCreditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Paid orders that came through the caller's referral links (refunded ones drop out)."""

    serializer_class = ReferralCreditSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = OrderAttribution.objects.none()

    def get_queryset(self) -> QuerySet[OrderAttribution]:
        return OrderAttribution.objects.filter(
            referrer=self.request.user, order__status=Order.Status.PAID
        ).select_related("order__course", "last_campaign")


class SurveyThrottle(ScopedRateThrottle):
    """Anonymous survey submissions per client; signed-in learners answer once per survey anyway."""

    scope = "survey"

    def allow_request(self, request: Request, view: object) -> bool:
        if request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Surveys. Anyone reads an open survey's questions and answers it; managers list them all."""

    serializer_class = SurveySerializer
    lookup_field = "slug"
    queryset = Survey.objects.prefetch_related("questions__choices").select_related("campaign")

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
                {"Idempotency-Key": ["Send an Idempotency-Key header: a retry must not answer twice."]}
            )
        body = SurveySubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        services.check_survey_open(survey=survey, respondent=user)
        data = {f"q{qid}": value for qid, value in body.validated_data["answers"].items()}
        form = SurveyForm(survey, data={**data, "idempotency_key": key})
        if not form.is_valid():
            raise ValidationError({name.removeprefix("q"): errors for name, errors in form.errors.items()})
        response, created = services.survey_submit(
            survey=survey, respondent=user, answers=form.answers(), idempotency_key=key,
            link_code=body.validated_data.get("c", ""),
        )  # fmt: skip
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED if created else 200)


class ResponseViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey responses, filterable by survey, campaign and channel (managers)."""

    serializer_class = ResponseSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = SurveyResponse.objects.select_related("survey")
    filterset_fields = ["survey__slug", "campaign", "channel"]


class ScoreViewSet(viewsets.GenericViewSet):
    """Campaign scores: the public calculator, and the ranking of campaigns by their latest scores."""

    serializer_class = CampaignScoreSerializer
    queryset = CampaignScore.objects.none()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "calculate":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), CanViewCampaigns()]

    @extend_schema(request=ScoreCalculatorSerializer, responses={200: ScoreResultSerializer})
    @action(detail=False, methods=["post"])
    def calculate(self, request: Request) -> Response:
        """f, g and h for each complete set of inputs given (shares in [0, 1]; e >= 0)."""
        data = ScoreCalculatorSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        result = {}
        if "d_k" in given:
            result["f"] = scores.demand(given["d_k"], given["d_a"])
        if "r_k" in given:
            result["g"] = scores.revenue(given["r_k"], given["r_a"])
        if "e" in given:
            result["h"] = scores.promotion(given["e"])
        return Response(result)

    @extend_schema(
        parameters=[OpenApiParameter("by", enum=["f", "g", "h"], description="The score to rank by (default f).")],
        responses={200: CampaignScoreSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def ranking(self, request: Request) -> Response:
        by = request.query_params.get("by", "f")
        if by not in ("f", "g", "h"):
            raise ValidationError({"by": ["Rank by f, g or h."]})
        rows = selectors.latest_scores().order_by(F(by).desc(nulls_last=True), "campaign__slug")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CampaignScoreSerializer(page, many=True).data)


class CanViewCampaigns(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return request.user.has_perm("marketing.view_campaign")
