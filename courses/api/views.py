from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.request_user import request_user
from courses import cache as catalogue_cache
from courses import hooks, selectors, services
from courses.filters import CourseFilter
from courses.models import Course, Enrollment, Lesson, Order
from platform_site.exceptions import NotPermitted

if TYPE_CHECKING:  # the stubs' protocol of what a view's permissions are
    from rest_framework.permissions import _SupportsHasPermission

from .permissions import CanRefundOrders, IsCourseManager, ReadOnlyOrModelPermissions
from .serializers import (
    CourseSerializer,
    EnrollmentSerializer,
    LessonSerializer,
    OrderSerializer,
    PaymentStartSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="A client-chosen key (max 64 chars): a retried request with the same key gets the same order.",
)


class CourseViewSet(viewsets.ModelViewSet):
    """Published courses for everyone; course managers see and write every course."""

    serializer_class = CourseSerializer
    permission_classes = [ReadOnlyOrModelPermissions]
    filterset_class = CourseFilter
    lookup_field = "slug"
    queryset = Course.objects.none()  # the model for DjangoModelPermissions; rows come from get_queryset

    def get_queryset(self) -> QuerySet[Course]:
        return hooks.prefetch_course_fields(selectors.course_list(user=self.request.user))

    # The cached JSON goes out as a plain HttpResponse, which DRF's stubs (Response only) do not allow for.
    def list(self, request: Request, *args: object, **kwargs: object) -> HttpResponse:  # type: ignore[override]
        if selectors.user_is_manager(request.user) or request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        # Everyone else sees the same published list: serve its JSON from the versioned cache.
        body = catalogue_cache.cached(
            "api-courses",
            request.build_absolute_uri(),
            lambda: JSONRenderer().render(super(CourseViewSet, self).list(request).data),
        )
        return HttpResponse(body, content_type="application/json")

    def perform_create(self, serializer: BaseSerializer[Course]) -> None:
        serializer.instance = services.course_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Course]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update passed get_object()
        serializer.instance = services.course_update(course=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Course) -> None:
        services.course_archive(course=instance)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        course = services.course_publish(course=self.get_object())
        return Response(self.get_serializer(course).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str) -> Response:
        course = services.course_archive(course=self.get_object())
        return Response(self.get_serializer(course).data)

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.action in ("publish", "archive"):
            return [IsCourseManager()]
        return super().get_permissions()


class LessonViewSet(viewsets.ModelViewSet):
    """Lessons of visible courses. The body is null unless the lesson is a free preview, the
    caller is enrolled, or the caller manages courses."""

    serializer_class = LessonSerializer
    permission_classes = [ReadOnlyOrModelPermissions]
    filterset_fields = {"course__slug": ["exact"]}
    queryset = Lesson.objects.none()

    def get_queryset(self) -> QuerySet[Lesson]:
        return selectors.lesson_list(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        # Computed once per request, not once per lesson.
        context = dict(super().get_serializer_context())
        context["enrolled"] = selectors.enrolled_course_ids(user=self.request.user)
        return context


class OrderViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A learner's own orders (staff with the view permission see all). Creating one starts checkout."""

    serializer_class = OrderSerializer
    queryset = Order.objects.none()  # for the schema; rows come from get_queryset
    lookup_field = "number"
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.order_list(user=request_user(self.request))

    @extend_schema(
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: OrderSerializer, 200: OrderSerializer},
        description=(
            "Open (or continue) the learner's order of a course. A pending order keeps its price and "
            "coupon (200) unless `coupon` or `remove_coupon` changes them. A change of total is never "
            "silent: it is refused with 409 `price_changed`, `extra` holding the pending order's "
            "breakdown (`current`), the new one (`quote`) and `confirm_total`; repeat the request with "
            "`confirm_total` to replace the order at that total (201), or pay the pending order as it is."
        ),
    )
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        context = {
            **hooks.checkout_context(request),
            "coupon_code": data.get("coupon", ""),
            "coupon_remove": data.get("remove_coupon", False),
        }
        order, created = services.order_checkout(
            learner=request_user(request),
            course=data["course"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
            context=context,
            confirm_total=data.get("confirm_total"),
        )
        return Response(
            self.get_serializer(order).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=None, responses={200: PaymentStartSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, number: str) -> Response:
        """Check the order's price again (coupon still valid?) and return the gateway URL to pay at."""
        order = self.get_object()
        if order.learner_id != request.user.pk:
            raise NotPermitted(_("Only the learner who placed an order can pay it."))
        url = services.payment_start(order=order)
        return Response({"checkout_url": request.build_absolute_uri(url)})

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, number: str) -> Response:
        order = self.get_object()
        if order.learner_id != request.user.pk:
            raise NotPermitted(_("Only the learner who placed an order can cancel it."))
        return Response(self.get_serializer(services.order_cancel(order=order)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[CanRefundOrders])
    def refund(self, request: Request, number: str) -> Response:
        return Response(self.get_serializer(services.order_refund(order=self.get_object())).data)


class EnrollmentViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A learner's enrollments. Creating one enrolls in a free course; paid ones go through orders."""

    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Enrollment]:
        return selectors.enrollment_list(user=request_user(self.request))

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = services.enrollment_create_free(
            learner=request_user(request), course=serializer.validated_data["course"]
        )
        return Response(self.get_serializer(enrollment).data, status=status.HTTP_201_CREATED)
