"""Art assignment submissions through the API: the same services and selectors as the pages.

A learner lists, submits and reads their own attempts; the course's reviewers (its assigned
instructors and its partner's managers) and platform managers read everyone's. Anybody else's
submission, or its image, is a 404 whatever its id. Reviewing stays in the partner workspace.
"""

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.request_user import request_user
from learning import assignment_selectors, assignments
from learning.artwork import FORMATS
from learning.assignment_views import image_response
from learning.models import Assignment, Submission
from platform_site.exceptions import ApplicationError
from platform_site.parsers import FormParser, MultiPartParser
from platform_site.shortcuts import found

from .questions import ID, ID_PATTERN, IDEMPOTENCY_HEADER, LESSON_ID, idempotency_key, readable_lesson, valid
from .serializers import SubmissionSerializer, SubmissionUploadSerializer

IMAGE_KINDS = ("full", "thumb")
KIND = OpenApiParameter(
    "kind", enum=list(IMAGE_KINDS), required=False, description="`full` (default) or `thumb` (a JPEG thumbnail)."
)
IMAGE_ID = OpenApiParameter("image_id", int, OpenApiParameter.PATH, description="The image's id.")


@extend_schema(parameters=[LESSON_ID])
class LessonSubmissionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Attempts at the lesson's assignment, newest first: the caller's own, or every learner's for
    the course's reviewers. Enrolled learners submit images of their work (multipart)."""

    serializer_class = SubmissionSerializer
    queryset = Submission.objects.none()
    filter_backends: list[type] = []
    parser_classes = [MultiPartParser, FormParser]

    def assignment(self) -> Assignment:
        lesson = readable_lesson(self.request, self.kwargs["lesson_id"])
        return found(assignment_selectors.lesson_assignment(lesson=lesson))

    def get_queryset(self) -> QuerySet[Submission]:
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        assignment, user = self.assignment(), request_user(self.request)
        if assignment_selectors.may_read_all_submissions(user=user, course_id=assignment.lesson.course_id):
            return assignment_selectors.assignment_submissions(assignment=assignment)
        return assignment_selectors.assignment_submissions(assignment=assignment, learner=user)

    @extend_schema(
        request={"multipart/form-data": SubmissionUploadSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: SubmissionSerializer, 200: SubmissionSerializer},
        summary="Submit images or a clip of one's work (enrolled learners; again only after a resubmission is asked).",
    )
    def create(self, request: Request, lesson_id: str) -> Response:
        data = valid(SubmissionUploadSerializer, request)
        learner = request_user(request)
        submission, created = assignments.submission_create_once(
            learner=learner, assignment=self.assignment(), images=data["images"], clip=data["clip"], note=data["note"],
            idempotency_key=idempotency_key(request),
        )  # fmt: skip
        shown = assignment_selectors.readable_submission(user=learner, pk=submission.pk)
        body = SubmissionSerializer(shown, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(parameters=[ID])
class SubmissionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One submission with its feedback, and its images, for the same callers as the listing."""

    serializer_class = SubmissionSerializer
    queryset = Submission.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list[type] = []

    def get_object(self) -> Submission:
        submission = assignment_selectors.readable_submission(
            user=request_user(self.request), pk=int(self.kwargs["pk"])
        )
        if submission is None:
            raise Http404
        return submission

    @extend_schema(
        parameters=[IMAGE_ID, KIND],
        responses={(200, content_type): OpenApiTypes.BINARY for _stored, content_type, _ext, _opts in FORMATS.values()},
        summary="An image of the submission (or its thumbnail, always a JPEG).",
    )
    @action(detail=True, methods=["get"], url_path=rf"images/(?P<image_id>{ID_PATTERN})", url_name="image")
    def image(self, request: Request, pk: str, image_id: str) -> HttpResponseBase:
        kind = request.query_params.get("kind", "full")
        if kind not in IMAGE_KINDS:
            raise ApplicationError(
                _("Unknown image kind."), code="invalid", extra={"fields": {"kind": [_("Ask for full or thumb.")]}}
            )
        image = found(next((i for i in self.get_object().images.all() if str(i.pk) == image_id), None))
        return image_response(request, image, kind)
