"""The partner API, `/api/v1/partner/…`: the workspace's resources for a partner's integrations.

Every endpoint acts as one membership (a token's, or the signed-in member's in the partner they
name), checks its role against `roles.ROLE_ACTIONS` as the pages do, reads through
`partners.selectors` (the partner's rows only: another partner's id is a 404) and writes through
the same services as the pages.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from courses.media.api import MediaJobSerializer
from courses.models import Course, Enrollment, Lesson, Order
from marketing.models import Campaign
from platform_site.parsers import FormParser, MultiPartParser
from platform_site.shortcuts import found
from platform_site.throttling import AnonRateThrottle, UserRateThrottle

from .. import agreements, lessons, publishing, selectors, services
from ..models import ApiToken, Membership, PublishRequest, Statement
from ..roles import Action
from ..statement_csv import statement_csv_response
from . import serializers as s
from .authentication import PartnerTokenAuthentication, request_membership
from .throttling import PartnerRateThrottle

PARTNER_PARAMETERS = [
    OpenApiParameter(
        "partner", str, OpenApiParameter.QUERY, required=False,
        description="Session callers only: the slug of the partner to act in, one they are a member of "
        "(default: the one chosen in the workspace). A token always acts in its own partner.",
    ),
    OpenApiParameter(
        "X-Partner", str, OpenApiParameter.HEADER, required=False, description="The same as `partner`, as a header."
    ),
]  # fmt: skip
ID_PATTERN = r"[0-9]+"
# The id in the path is the object's integer id (the route takes digits only: anything else is a 404).
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The object's id.")
WITH_ID = extend_schema(parameters=[ID])


class MemberMay(BasePermission):
    """The caller is a member of the partner they act in, and their role may do the view's action;
    a read-only token reads only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False  # 401, with the Bearer challenge
        membership = request_membership(request)
        if membership is None:
            raise PermissionDenied
        view.membership = membership
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and request.method not in SAFE_METHODS and not token.may_write:
            raise PermissionDenied(_("This token is read-only."), code="token_read_only")
        return membership.may(view.required_action())


@extend_schema(parameters=PARTNER_PARAMETERS)
class PartnerViewSet(viewsets.GenericViewSet):
    authentication_classes = [PartnerTokenAuthentication, SessionAuthentication]
    permission_classes = [MemberMay]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, PartnerRateThrottle]  # the defaults, and per partner
    lookup_value_regex = ID_PATTERN
    read_action: Action
    write_action: Action | None = None
    membership: Membership

    def required_action(self) -> Action:
        if self.request.method in ("GET", "HEAD", "OPTIONS") or self.write_action is None:
            return self.read_action
        return self.write_action

    @property
    def fake(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


@extend_schema_view(retrieve=WITH_ID, update=WITH_ID, partial_update=WITH_ID)
class PartnerCourseViewSet(PartnerViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin):
    """The partner's courses; owners and managers edit the fields the workspace's form edits."""

    serializer_class = s.PartnerCourseSerializer
    queryset = Course.objects.none()
    read_action, write_action = Action.VIEW_COURSES, Action.EDIT_COURSES
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"status": ["exact"], "track": ["exact"]}

    def get_queryset(self) -> QuerySet[Course]:
        return Course.objects.none() if self.fake else selectors.partner_courses(membership=self.membership)

    def perform_update(self, serializer: BaseSerializer[Course]) -> None:
        assert serializer.instance is not None
        course = services.partner_course_update(
            actor=self.membership, course=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=course.pk)  # with its figures again

    @extend_schema(methods=["GET"], parameters=[ID], responses=s.PartnerLessonSerializer(many=True))
    @extend_schema(methods=["POST"], parameters=[ID], request=s.PartnerLessonSerializer,
                   responses={201: s.PartnerLessonSerializer})  # fmt: skip
    # The whole ordered list, unpaginated (a course has few lessons; reorder posts them all).
    @action(detail=True, methods=["get", "post"], serializer_class=s.PartnerLessonSerializer, pagination_class=None)
    def lessons(self, request: Request, pk: str) -> Response:
        """The course's lessons in order; owners and managers add one at the end."""
        course = self.get_object()
        if request.method == "GET":
            return Response(s.PartnerLessonSerializer(selectors.course_lessons(course=course), many=True).data)
        body = s.PartnerLessonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lesson = lessons.lesson_create(actor=self.membership, course=course, **body.validated_data)
        fresh = selectors.course_lessons(course=course).get(pk=lesson.pk)
        return Response(s.PartnerLessonSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], request=s.LessonOrderSerializer, responses=s.PartnerLessonSerializer(many=True))
    @action(detail=True, methods=["post"], serializer_class=s.LessonOrderSerializer)
    def reorder(self, request: Request, pk: str) -> Response:
        """Put the lessons in a new order (a 409 when the ids are not the course's lessons, each once)."""
        course = self.get_object()
        body = s.LessonOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lessons.lessons_reorder(actor=self.membership, course=course, lesson_ids=body.validated_data["lessons"])
        return Response(s.PartnerLessonSerializer(selectors.course_lessons(course=course), many=True).data)

    @extend_schema(
        parameters=[ID], request=None,
        responses={200: s.PublishResultSerializer, 202: s.PublishResultSerializer},
    )  # fmt: skip
    @action(detail=True, methods=["post"], serializer_class=s.PublishResultSerializer)
    def publish(self, request: Request, pk: str) -> Response:
        """Publish the course, or ask the platform to when publishing needs approval (202 with the
        request; asking again while it is open returns the same request)."""
        course = self.get_object()
        publish_request = publishing.course_publish_request(actor=self.membership, course=course)
        course.refresh_from_db(fields=["status"])
        body = {"course_status": course.status, "publish_request": publish_request}
        code = status.HTTP_200_OK if publish_request is None else status.HTTP_202_ACCEPTED
        return Response(s.PublishResultSerializer(body).data, status=code)


@extend_schema_view(retrieve=WITH_ID, update=WITH_ID, partial_update=WITH_ID, destroy=WITH_ID, media=WITH_ID)
class PartnerLessonViewSet(
    PartnerViewSet, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin
):
    """A lesson of the member's courses (a course's list and new lessons: `courses/{id}/lessons/`).
    Owners and managers edit and delete it and upload its media."""

    serializer_class = s.PartnerLessonSerializer
    queryset = Lesson.objects.none()
    read_action, write_action = Action.VIEW_COURSES, Action.EDIT_COURSES

    def get_queryset(self) -> QuerySet[Lesson]:
        if self.fake:
            return Lesson.objects.none()
        return selectors.member_lessons(membership=self.membership).annotate(**selectors.LESSON_JOB_FIELDS)

    def perform_update(self, serializer: BaseSerializer[Lesson]) -> None:
        assert serializer.instance is not None
        lesson = lessons.lesson_update(actor=self.membership, lesson=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=lesson.pk)

    def perform_destroy(self, instance: Lesson) -> None:
        lessons.lesson_delete(actor=self.membership, lesson=instance)

    @extend_schema(request={"multipart/form-data": s.LessonMediaSerializer},
                   responses={202: MediaJobSerializer, 200: MediaJobSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser],
            serializer_class=s.LessonMediaSerializer)  # fmt: skip
    def media(self, request: Request, pk: str) -> Response:
        """Upload the lesson's video or audio (send an Idempotency-Key: a retry returns the same job, 200)."""
        lesson = self.get_object()
        body = s.LessonMediaSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job, created = lessons.lesson_media_upload(
            actor=self.membership, lesson=lesson, upload=body.validated_data["file"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
        )  # fmt: skip
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(MediaJobSerializer(job).data, status=code)


class PartnerPublishRequestViewSet(PartnerViewSet, mixins.ListModelMixin):
    """The publish requests of the member's courses and the platform's decisions (with its reason)."""

    serializer_class = s.PublishRequestSerializer
    queryset = PublishRequest.objects.none()
    read_action = Action.VIEW_COURSES
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"status": ["exact"], "course__slug": ["exact"]}

    def get_queryset(self) -> QuerySet[PublishRequest]:
        if self.fake:
            return PublishRequest.objects.none()
        return selectors.member_publish_requests(membership=self.membership)


class _RowsViewSet(PartnerViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Lists whose rows leave `partners.selectors` masked (`order_rows`, `enrollment_rows`)."""

    filter_backends = [DjangoFilterBackend]

    def rows(self, objects: Any) -> list[Any]:
        raise NotImplementedError

    def row(self, pk: int) -> Any:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(self.rows(page), many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = found(self.row(int(kwargs["pk"])))
        return Response(self.get_serializer(row).data)


@extend_schema_view(retrieve=WITH_ID)
class PartnerOrderViewSet(_RowsViewSet):
    """The orders of the partner's courses; learners' contacts masked."""

    serializer_class = s.PartnerOrderSerializer
    queryset = Order.objects.none()
    read_action = Action.VIEW_ORDERS
    filterset_fields = {"status": ["exact"], "course__slug": ["exact"]}

    def get_queryset(self) -> QuerySet[Order]:
        return Order.objects.none() if self.fake else selectors.partner_orders(partner=self.membership.partner)

    def rows(self, objects: Any) -> list[Any]:
        return selectors.order_rows(objects)

    def row(self, pk: int) -> Any:
        return selectors.partner_order(partner=self.membership.partner, pk=pk)


@extend_schema_view(retrieve=WITH_ID)
class PartnerEnrollmentViewSet(_RowsViewSet):
    """The enrollments in the partner's courses; learners' contacts masked."""

    serializer_class = s.PartnerEnrollmentSerializer
    queryset = Enrollment.objects.none()
    read_action = Action.VIEW_ENROLLMENTS
    filterset_fields = {"status": ["exact"], "course__slug": ["exact"]}

    def get_queryset(self) -> QuerySet[Enrollment]:
        if self.fake:
            return Enrollment.objects.none()
        return selectors.partner_enrollments(membership=self.membership)

    def rows(self, objects: Any) -> list[Any]:
        return selectors.enrollment_rows(objects)

    def row(self, pk: int) -> Any:
        return selectors.partner_enrollment(membership=self.membership, pk=pk)


@extend_schema_view(retrieve=WITH_ID, accept=WITH_ID)
class PartnerCampaignViewSet(PartnerViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The joint campaigns the partner has a side in. A campaign's page carries its agreement:
    owners and managers accept its current terms for their side (accepting again changes nothing)."""

    queryset = Campaign.objects.none()
    read_action, write_action = Action.VIEW_CAMPAIGNS, Action.ACCEPT_TERMS

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "accept":
            return s.AcceptTermsSerializer
        return s.PartnerCampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        return Campaign.objects.none() if self.fake else selectors.partner_campaigns(partner=self.membership.partner)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(selectors.partner_campaigns_with_trail(partner=self.membership.partner))
        # agreement_trail: the Prefetch's to_attr, unknown to the model's type.
        rows = [self._detail(c, events=c.agreement_trail) for c in page or []]  # type: ignore[attr-defined]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def _detail(self, campaign: Campaign, events: Any = None) -> dict[str, Any]:
        row = selectors.campaign_partner_figures(campaign=campaign, partner=self.membership.partner)
        return {**row, "agreement": agreements.agreement_state(campaign=campaign, events=events)}

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.PartnerCampaignSerializer(self._detail(self.get_object())).data)

    @extend_schema(request=s.AcceptTermsSerializer, responses=s.PartnerCampaignSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        campaign = self.get_object()
        body = s.AcceptTermsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        agreements.campaign_terms_accept(actor=self.membership, campaign=campaign, digest=body.validated_data["digest"])
        fresh = self.get_queryset().get(pk=campaign.pk)
        return Response(s.PartnerCampaignSerializer(self._detail(fresh)).data)


class PartnerMemberViewSet(PartnerViewSet, mixins.ListModelMixin):
    """The partner's members, for those who manage them (the workspace's members page)."""

    serializer_class = s.PartnerMemberSerializer
    queryset = Membership.objects.none()
    read_action = Action.MANAGE_MEMBERS

    def get_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.none() if self.fake else selectors.partner_members(partner=self.membership.partner)


@extend_schema_view(retrieve=WITH_ID)
class PartnerStatementViewSet(PartnerViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The partner's issued monthly statements, newest first, and each one's CSV and PDF (the workspace's downloads)."""

    serializer_class = s.PartnerStatementSerializer
    queryset = Statement.objects.none()
    read_action = Action.VIEW_STATEMENTS

    def get_queryset(self) -> QuerySet[Statement]:
        return Statement.objects.none() if self.fake else selectors.partner_statements(partner=self.membership.partner)

    @extend_schema(
        parameters=[ID],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The statement as CSV (UTF-8, BOM).")
        },
    )
    @action(detail=True, methods=["get"])
    def csv(self, request: Request, pk: str) -> StreamingHttpResponse:
        statement = found(selectors.partner_statement(partner=self.membership.partner, pk=int(pk)))
        return statement_csv_response(statement=statement)

    @extend_schema(
        parameters=[ID],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The statement as PDF.")},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        from ..statement_pdf import statement_pdf_response

        statement = found(selectors.partner_statement(partner=self.membership.partner, pk=int(pk)))
        return statement_pdf_response(statement=statement)
