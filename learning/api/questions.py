"""Lesson questions and answers through the API: the same services and selectors as the lesson page.

Who reads: the course's enrolled learners, instructors and moderators (`qa_access`); a question or
an answer the caller may not read is a 404 whatever its id. The services decide the rest (who
asks, answers, accepts, follows, reports) and count each post against LEARNING_POSTS_PER_HOUR.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.request_user import request_user
from courses import selectors as course_selectors
from courses.models import Lesson
from learning import qa_selectors, qa_services
from learning.idempotency import KEY_MAX
from learning.models import Answer, Question
from platform_site.exceptions import NotPermitted
from platform_site.shortcuts import found

from .serializers import (
    AnswerSerializer,
    AnswerWriteSerializer,
    FollowSerializer,
    LessonQuestionSerializer,
    QaReportSerializer,
    QuestionAskSerializer,
    ReviewMarkSerializer,
)

# Ids in paths: digits, at most 18 (a bigint); longer ones match no route (a 404), never a 500 from
# converting thousands of digits.
ID_PATTERN = r"\d{1,18}"
LESSON_ID = OpenApiParameter("lesson_id", int, OpenApiParameter.PATH, description="The lesson's id.")
ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="A client-chosen key (max 64 chars): a retry with the same key gets what the first request made (200).",
)


def idempotency_key(request: Request) -> str:
    return request.headers.get("Idempotency-Key", "")[:KEY_MAX]


def valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def readable_lesson(request: Request, lesson_id: str) -> Lesson:
    """A lesson of a course the caller may browse, with its media (a timestamp's bound); the route
    let only digits through (ID_PATTERN)."""
    return found(course_selectors.lesson_list(user=request.user).select_related("media").filter(pk=lesson_id).first())


def shown_question(request: Request, question: Question, *, followed: set[int] | None = None) -> dict[str, Any]:
    """The question as the lesson's listing reads it (its visible answers), for the caller."""
    row = qa_selectors.lesson_questions(lesson=question.lesson).filter(pk=question.pk).first()
    if row is None:  # hidden meanwhile
        raise Http404
    if followed is None:
        followed = qa_selectors.followed_question_ids(user=request.user, question_ids=[row.pk])
    return dict(LessonQuestionSerializer(row, context={"request": request, "followed": followed}).data)


def _readable(request: Request, question: Question | None) -> Question:
    if question is None or not qa_selectors.qa_access(user=request.user, lesson=question.lesson).may_read:
        raise Http404
    return question


@extend_schema(parameters=[LESSON_ID])
class LessonQuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A lesson's visible questions, newest first, with their answers; enrolled learners ask."""

    serializer_class = LessonQuestionSerializer
    queryset = Question.objects.none()  # the model for the schema; rows come from get_queryset
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Question]:
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        lesson = readable_lesson(self.request, self.kwargs["lesson_id"])
        if not qa_selectors.qa_access(user=self.request.user, lesson=lesson).may_read:
            raise NotPermitted(
                _("Only the course's enrolled learners and its staff read its questions."), code="not_enrolled"
            )
        return qa_selectors.lesson_questions(lesson=lesson)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        followed = qa_selectors.followed_question_ids(user=request.user, question_ids=[q.pk for q in page])
        serializer = LessonQuestionSerializer(page, many=True, context={"request": request, "followed": followed})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=QuestionAskSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: LessonQuestionSerializer, 200: LessonQuestionSerializer},
        summary="Ask a question under the lesson (enrolled learners); a retry with the same key gets it again (200).",
    )
    def create(self, request: Request, lesson_id: str) -> Response:
        data = valid(QuestionAskSerializer, request)
        question, created = qa_services.question_ask_once(
            author=request_user(request), lesson=readable_lesson(request, lesson_id), text=data["text"],
            timestamp=data["timestamp"], idempotency_key=idempotency_key(request),
        )  # fmt: skip
        return Response(shown_question(request, question), status=status.HTTP_201_CREATED if created else 200)


@extend_schema(parameters=[ID])
class QuestionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One question: read it, answer it, follow it, report it."""

    serializer_class = LessonQuestionSerializer
    queryset = Question.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list[type] = []

    def get_object(self) -> Question:
        return _readable(self.request, qa_selectors.visible_question(question_id=int(self.kwargs["pk"])))

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        return Response(shown_question(request, self.get_object()))

    @extend_schema(
        request=AnswerWriteSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: AnswerSerializer, 200: AnswerSerializer},
        summary="Answer the question (enrolled learners; the course's instructors answer as instructors).",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str) -> Response:
        data = valid(AnswerWriteSerializer, request)
        answer, created = qa_services.answer_post_once(
            author=request_user(request), question=self.get_object(), text=data["text"],
            base_url=request.build_absolute_uri("/"), idempotency_key=idempotency_key(request),
        )  # fmt: skip
        body = AnswerSerializer(answer, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        # 200 with the state for DELETE too (the schema's default for a DELETE is 204, no body).
        request=None,
        responses={200: FollowSerializer},
        summary="Follow the question (POST) or stop following it (DELETE).",
    )
    @action(detail=True, methods=["post", "delete"])
    def follow(self, request: Request, pk: str) -> Response:
        following = qa_services.question_follow(
            user=request_user(request), question=self.get_object(), follow=request.method == "POST"
        )
        return Response({"following": following})

    @extend_schema(request=QaReportSerializer, responses=ReviewMarkSerializer, summary="Report the question.")
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        data = valid(QaReportSerializer, request)
        _report, created = qa_services.post_report(learner=request_user(request), post=self.get_object(), **data)
        return Response({"created": created})


@extend_schema(parameters=[ID])
class AnswerViewSet(viewsets.GenericViewSet):
    """One answer: the asker accepts it; others report it."""

    serializer_class = AnswerSerializer
    queryset = Answer.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list[type] = []

    def get_object(self) -> Answer:
        answer = qa_selectors.visible_answer(answer_id=int(self.kwargs["pk"]))
        _readable(self.request, answer.question if answer is not None else None)
        assert answer is not None
        return answer

    @extend_schema(
        request=None,
        responses=LessonQuestionSerializer,
        summary="Accept the answer (the asker only; another replaces it, the same one again changes nothing).",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        question = qa_services.answer_accept(user=request_user(request), answer=self.get_object())
        return Response(shown_question(request, question))

    @extend_schema(request=QaReportSerializer, responses=ReviewMarkSerializer, summary="Report the answer.")
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        data = valid(QaReportSerializer, request)
        _report, created = qa_services.post_report(learner=request_user(request), post=self.get_object(), **data)
        return Response({"created": created})
