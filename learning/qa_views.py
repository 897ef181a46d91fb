"""Lesson questions and answers: the forms of the lesson page post here, then go back to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.request_user import request_user
from courses.models import Lesson
from platform_site.exceptions import ApplicationError, NotPermitted
from platform_site.shortcuts import found

from . import qa_selectors, qa_services
from .forms import AnswerForm, HideForm, QuestionForm, ReviewReportForm
from .views import _apply_errors


def _form_page(request: HttpRequest, lesson: Lesson, form: object, title: str, status: int) -> HttpResponse:
    """A form refused: shown again on a page of its own, with its field errors."""
    context = {"lesson": lesson, "course": lesson.course, "form": form, "title": title}
    return render(request, "learning/qa_form.html", context, status=status)


@login_required
@require_POST
def question_ask(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("course", "media"), pk=lesson_id)
    form = QuestionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            question = qa_services.question_ask(
                author=request_user(request), lesson=lesson, text=form.cleaned_data["text"],
                timestamp=form.cleaned_data["timestamp"],
            )  # fmt: skip
        except ApplicationError as error:
            _apply_errors(form, error)  # type: ignore[arg-type]
            status = error.status_code
        else:
            messages.success(request, _("Your question is posted; you will hear of its answers."))
            return redirect(question)
    return _form_page(request, lesson, form, _("Ask a question"), status)


@login_required
@require_POST
def answer_post(request: HttpRequest, question_id: int) -> HttpResponse:
    question = found(qa_selectors.visible_question(question_id=question_id))
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            qa_services.answer_post(
                author=request_user(request), question=question, text=form.cleaned_data["text"],
                base_url=request.build_absolute_uri("/"),
            )  # fmt: skip
        except ApplicationError as error:
            _apply_errors(form, error)  # type: ignore[arg-type]
            status = error.status_code
        else:
            messages.success(request, _("Your answer is posted."))
            return redirect(question)
    return _form_page(request, question.lesson, form, _("Answer"), status)


@login_required
@require_POST
def answer_accept(request: HttpRequest, answer_id: int) -> HttpResponse:
    answer = found(qa_selectors.visible_answer(answer_id=answer_id))
    try:
        qa_services.answer_accept(user=request_user(request), answer=answer)
    except NotPermitted as error:
        raise PermissionDenied from error
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(answer.question)


@login_required
@require_POST
def question_follow(request: HttpRequest, question_id: int) -> HttpResponse:
    question = found(qa_selectors.visible_question(question_id=question_id))
    follow = request.POST.get("follow", "1") != "0"
    try:
        qa_services.question_follow(user=request_user(request), question=question, follow=follow)
    except NotPermitted as error:
        raise PermissionDenied from error
    return redirect(question)


@login_required
@require_POST
def post_hide(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    post = (
        qa_selectors.visible_question(question_id=pk)
        if kind == "question"
        else qa_selectors.visible_answer(answer_id=pk)
    )
    if post is None:
        raise Http404
    question = post if isinstance(post, qa_services.Question) else post.question
    form = HideForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            qa_services.post_hide(moderator=request_user(request), post=post, reason=form.cleaned_data["reason"])
        except NotPermitted as error:
            raise PermissionDenied from error
        except ApplicationError as error:
            _apply_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Hidden. The reason is kept for the record."))
            return redirect(question.lesson.get_absolute_url() + "#questions")
    return _form_page(request, question.lesson, form, _("Hide"), status)


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Report a question or an answer: a page with the reason to choose, then back to the lesson."""
    post = (
        qa_selectors.visible_question(question_id=pk)
        if kind == "question"
        else qa_selectors.visible_answer(answer_id=pk)
    )
    if post is None:
        raise Http404
    question = post if isinstance(post, qa_services.Question) else post.question
    form = ReviewReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                qa_services.post_report(learner=request_user(request), post=post, **form.cleaned_data)
            except NotPermitted as error:
                raise PermissionDenied from error
            except ApplicationError as error:
                _apply_errors(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Thank you: the moderators will look at it."))
                return redirect(question)
    context = {"post": post, "question": question, "kind": kind, "form": form, "lesson": question.lesson}
    return render(request, "learning/qa_report.html", context, status=status)


@csrf_exempt  # a mail client's one-click POST carries no CSRF token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link of a notification e-mail: GET shows what it stops, POST (or a mail
    client's List-Unsubscribe-Post) stops it; no sign-in needed, the signature is the proof."""
    from .qa_notify import Kind
    from .qa_notify import unsubscribe as do_unsubscribe

    if request.method == "POST":
        try:
            _user, kind = do_unsubscribe(token=token)
        except ApplicationError as error:
            return render(request, "learning/unsubscribe.html", {"error": error}, status=400)
        return render(request, "learning/unsubscribe.html", {"done": True, "kind": Kind(kind).label})
    return render(request, "learning/unsubscribe.html", {"token": token})
