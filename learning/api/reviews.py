"""The reviews of a course: anyone reads them; enrolled learners write theirs, mark others helpful, report."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.request_user import request_user
from courses import selectors as course_selectors
from courses.models import Course
from learning import selectors, services
from learning.models import Review
from platform_site.exceptions import ApplicationError
from platform_site.schema import AnonymousReads
from platform_site.shortcuts import found

from .serializers import ReviewMarkSerializer, ReviewReportSerializer, ReviewSerializer, ReviewWriteSerializer

SORT = OpenApiParameter(
    "sort", enum=list(selectors.ReviewSort.CHOICES), required=False, description="`newest` (default) or `helpful`."
)


class ReadsOrAuthenticated(AnonymousReads, IsAuthenticatedOrReadOnly):
    """Anyone reads reviews; writing, marking and reporting need a signed-in learner."""


# The course is in the path, not a field of the review: the schema is told its type.
COURSE_SLUG = OpenApiParameter("course_slug", str, OpenApiParameter.PATH, description="The course's slug.")


@extend_schema(parameters=[COURSE_SLUG])
class CourseReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReviewSerializer
    permission_classes = [ReadsOrAuthenticated]
    queryset = Review.objects.none()  # the model for the schema; rows come from get_queryset

    def course(self) -> Course:
        return found(
            course_selectors.course_list(user=self.request.user).filter(slug=self.kwargs["course_slug"]).first()
        )

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        sort = self.request.query_params.get("sort", selectors.ReviewSort.NEWEST)
        if sort not in selectors.ReviewSort.CHOICES:
            raise ApplicationError(
                _("Unknown sort."), code="invalid", extra={"fields": {"sort": [_("Sort by newest or helpful.")]}}
            )
        return selectors.course_reviews(course=self.course(), sort=sort)

    def get_object(self) -> Review:
        course = self.course()
        user = self.request.user
        review_id = self.kwargs["pk"]
        # The author also finds their own review hidden (marked as such); nobody else does.
        own = selectors.review_of(learner=user, course=course)
        if own is not None and str(own.pk) == str(review_id):
            return own
        return found(self.get_queryset().filter(pk=review_id).first() if str(review_id).isdigit() else None)

    @extend_schema(parameters=[SORT])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=ReviewWriteSerializer,
        responses={200: ReviewSerializer, 201: ReviewSerializer},
        summary="Write the requesting learner's review of the course, or edit it (201 when new).",
    )
    def create(self, request: Request, course_slug: str) -> Response:
        data = self._valid(ReviewWriteSerializer, request)
        review, created = services.review_save(
            learner=request_user(request), course=self.course(), rating=data["rating"], text=data["text"]
        )
        return Response(
            ReviewSerializer(review).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=ReviewWriteSerializer, responses=ReviewSerializer)
    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = self._valid(ReviewWriteSerializer, request, partial=bool(kwargs.get("partial")))
        review = self.get_object()
        edited = services.review_update(
            learner=request_user(request),
            review=review,
            rating=data.get("rating", review.rating),
            text=data.get("text", review.text),
        )
        return Response(ReviewSerializer(edited).data)

    @extend_schema(request=ReviewWriteSerializer, responses=ReviewSerializer)
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=ReviewMarkSerializer, summary="Mark the review helpful (once).")
    @action(detail=True, methods=["post"])
    def helpful(self, request: Request, course_slug: str, pk: str) -> Response:
        created = services.review_mark_helpful(learner=request_user(request), review=self.get_object())
        return Response({"created": created})

    @extend_schema(request=ReviewReportSerializer, responses=ReviewMarkSerializer, summary="Report the review.")
    @action(detail=True, methods=["post"])
    def report(self, request: Request, course_slug: str, pk: str) -> Response:
        data = self._valid(ReviewReportSerializer, request)
        _report, created = services.review_report(
            learner=request_user(request), review=self.get_object(), reason=data["reason"], note=data["note"]
        )
        return Response({"created": created})

    @staticmethod
    def _valid(serializer_class: type, request: Request, partial: bool = False) -> dict:
        serializer = serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
