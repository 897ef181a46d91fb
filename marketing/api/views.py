from __future__ import annotations

import django_filters
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.request_user import request_user
from courses.models import Order
from marketing import scores, selectors, services, tasks
from marketing.models import Campaign, CampaignScore, Channel, Coupon, CoursePairing, OrderAttribution, TrackedLink
from platform_site.api import ModelPermissionsWithView
from platform_site.queueing import enqueue
from platform_site.schema import UNAVAILABLE

from .serializers import (
    CampaignScoreSerializer,
    CampaignSerializer,
    ChannelSerializer,
    CouponSerializer,
    PairingSerializer,
    ReferralCreditSerializer,
    ReferralLinkCreateSerializer,
    ReferralLinkSerializer,
    RefreshQueuedSerializer,
    ScoreCalculatorSerializer,
    ScoreResultSerializer,
    TrackedLinkSerializer,
)


class CampaignViewSet(viewsets.ModelViewSet):
    """Joint campaigns (course managers). Figures come from the last periodic refresh."""

    serializer_class = CampaignSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = Campaign.objects.prefetch_related("partner_shares__partner", "knowledge_courses", "art_courses")
    lookup_field = "slug"
    filterset_fields = ["status"]

    def perform_create(self, serializer: BaseSerializer[Campaign]) -> None:
        serializer.instance = services.campaign_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Campaign]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update passed get_object()
        serializer.instance = services.campaign_update(campaign=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Campaign) -> None:
        services.campaign_delete(campaign=instance)

    @extend_schema(request=None, responses={200: OpenApiResponse(description="The campaign's latest figures.")})
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        snapshot = getattr(campaign, "stats", None)
        if snapshot is None:
            return Response({"computed_at": None, "figures": None})
        return Response({"computed_at": snapshot.computed_at, "figures": snapshot.data})

    @extend_schema(request=None, responses={202: RefreshQueuedSerializer, 503: UNAVAILABLE})
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

    @extend_schema(request=None, responses={202: RefreshQueuedSerializer, 503: UNAVAILABLE})
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

    def perform_create(self, serializer: BaseSerializer[Channel]) -> None:
        serializer.instance = services.channel_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Channel]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update passed get_object()
        serializer.instance = services.channel_update(channel=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Channel) -> None:
        services.channel_delete(channel=instance)


class TrackedLinkViewSet(viewsets.ModelViewSet):
    serializer_class = TrackedLinkSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = TrackedLink.objects.all()
    filterset_fields = ["channel"]

    def perform_create(self, serializer: BaseSerializer[TrackedLink]) -> None:
        serializer.instance = services.tracked_link_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[TrackedLink]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update passed get_object()
        serializer.instance = services.tracked_link_update(link=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: TrackedLink) -> None:
        services.tracked_link_delete(link=instance)


class CouponViewSet(viewsets.ModelViewSet):
    serializer_class = CouponSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = Coupon.objects.prefetch_related("courses")
    filterset_fields = ["campaign"]

    def perform_create(self, serializer: BaseSerializer[Coupon]) -> None:
        serializer.instance = services.coupon_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Coupon]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update passed get_object()
        serializer.instance = services.coupon_update(coupon=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Coupon) -> None:
        services.coupon_delete(coupon=instance)


class ReferralLinkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's own referral links; POST {"campaign": slug} returns (or makes) the link."""

    serializer_class = ReferralLinkSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = TrackedLink.objects.none()

    def get_queryset(self) -> QuerySet[TrackedLink]:
        return TrackedLink.objects.filter(referrer=request_user(self.request)).select_related("channel__campaign")

    @extend_schema(request=ReferralLinkCreateSerializer, responses={201: ReferralLinkSerializer})
    def create(self, request: Request) -> Response:
        data = ReferralLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = get_object_or_404(Campaign, pk=data.validated_data["campaign"].pk)
        link = services.referral_link_for(learner=request_user(request), campaign=campaign)
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)


class ReferralCreditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Paid orders that came through the caller's referral links (refunded ones drop out)."""

    serializer_class = ReferralCreditSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = OrderAttribution.objects.none()

    def get_queryset(self) -> QuerySet[OrderAttribution]:
        return OrderAttribution.objects.filter(
            referrer=request_user(self.request), order__status=Order.Status.PAID
        ).select_related("order__course", "last_campaign")


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
            raise ValidationError({"by": [_("Rank by f, g or h.")]})
        rows = selectors.latest_scores().order_by(F(by).desc(nulls_last=True), "campaign__slug")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CampaignScoreSerializer(page, many=True).data)


class CanViewCampaigns(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return request.user.has_perm("marketing.view_campaign")


class PairingFilter(django_filters.FilterSet):
    partner = django_filters.CharFilter(method="read_together", max_length=50, help_text="A partner's slug.")
    track = django_filters.ChoiceFilter(
        method="read_together",
        choices=[("knowledge", "knowledge"), ("art", "art")],
        help_text="With partner: the side that partner's course is on.",
    )

    class Meta:
        model = CoursePairing
        fields: list[str] = []

    def read_together(self, queryset: QuerySet[CoursePairing], name: str, value: str) -> QuerySet[CoursePairing]:
        return queryset  # the two are one filter: filter_queryset applies them

    def filter_queryset(self, queryset: QuerySet[CoursePairing]) -> QuerySet[CoursePairing]:
        partner, track = self.form.cleaned_data.get("partner"), self.form.cleaned_data.get("track")
        if not partner:
            return queryset
        return queryset.filter(pk__in=selectors.pairing_list(partner=partner, track=track or None).values("pk"))


class PairingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Pairing suggestions (course managers): knowledge × art pairs, best first, each with the factors
    whose weighted parts add up to its score and the details they are read from."""

    serializer_class = PairingSerializer
    permission_classes = [ModelPermissionsWithView]
    queryset = CoursePairing.objects.none()  # for the permission class's model; get_queryset reads
    filterset_class = PairingFilter

    def get_queryset(self) -> QuerySet[CoursePairing]:
        return selectors.pairing_list()
