"""Progress on courses pages (syllabus states, "continue", resume), without `courses` importing `learning`."""

from typing import Any

from django import template

from courses.models import Course, Lesson
from learning import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def course_progress(context: dict[str, Any], course: Course) -> selectors.CourseProgress:
    return selectors.course_progress(learner=context["request"].user, course=course)


@register.simple_tag(takes_context=True)
def courses_progress(context: dict[str, Any], enrollments: Any) -> dict[int, selectors.CourseProgress]:
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    return selectors.courses_progress(learner=user, course_ids=[e.course_id for e in enrollments])


@register.simple_tag(takes_context=True)
def lesson_progress(context: dict[str, Any], lesson: Lesson) -> Any:
    return selectors.lesson_progress(learner=context["request"].user, lesson=lesson)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("learning/_progress_bar.html")
def progress_bar(progress: selectors.CourseProgress | None) -> dict[str, Any]:
    return {"progress": progress}


@register.inclusion_tag("learning/_certificate_box.html", takes_context=True)
def certificate_box(context: dict[str, Any], course: Course, progress: selectors.CourseProgress) -> dict[str, Any]:
    request = context["request"]
    certificate = None
    if request.user.is_authenticated and progress and progress.is_complete:
        certificate = selectors.certificate_of(learner=request.user, course=course)
    return {"course": course, "progress": progress, "certificate": certificate, "csrf_token": context.get("csrf_token")}


# ------------------------------------------------------------------------------ reviews
REVIEWS_PAGE_SIZE = 10


@register.inclusion_tag("learning/_review_figures.html")
def review_figures(course: Course, empty: bool = False) -> dict[str, Any]:
    """The course's average rating and count, from course_list's annotation: never a query (a
    course read without it shows nothing)."""
    return {
        "average": getattr(course, "review_average", None),
        "count": getattr(course, "review_count", 0),
        "empty": empty,
    }


@register.inclusion_tag("learning/_course_reviews.html", takes_context=True)
def course_reviews(context: dict[str, Any], course: Course, enrolled: bool) -> dict[str, Any]:
    """The course page's reviews: the list (sorted, paginated), my review and its form when I may write one
    (`enrolled`: whether the page's learner is, as the page already knows)."""
    from django.core.paginator import Paginator

    from learning.forms import ReviewForm

    request = context["request"]
    sort = request.GET.get("reviews")
    sort = sort if sort in selectors.ReviewSort.CHOICES else selectors.ReviewSort.NEWEST
    page = Paginator(selectors.course_reviews(course=course, sort=sort), REVIEWS_PAGE_SIZE).get_page(
        request.GET.get("reviews_page")
    )
    user = request.user
    own = selectors.review_of(learner=user, course=course) if enrolled else None  # refunded: not shown
    refusal = (
        selectors.review_refusal(learner=user, course=course, enrolled=enrolled) if user.is_authenticated else None
    )
    form = None
    if user.is_authenticated and refusal is None:
        form = ReviewForm(initial={"rating": own.rating, "text": own.text} if own else None)
    return {
        "course": course,
        "page": page,
        "sort": sort,
        "own": own,
        "refusal": refusal,
        "form": form,
        "marked": selectors.helpful_marked(learner=user, review_ids=[review.pk for review in page]),
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


# ------------------------------------------------------------------------------ lesson questions
QUESTIONS_PAGE_SIZE = 10


@register.filter(needs_autoescape=True)
def plain_text(value: str, autoescape: bool = True) -> str:
    """Plain user text for a page: escaped, line breaks kept, web links clickable and marked
    rel="nofollow ugc" (the text is escaped first, so only the links urlize makes carry the attribute)."""
    from django.utils.html import urlize
    from django.utils.safestring import mark_safe

    linked = urlize(str(value), trim_url_limit=60, nofollow=True, autoescape=autoescape)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc"')
    return mark_safe(linked.replace("\n", "<br>"))  # escaped by urlize above


@register.filter
def as_clock(seconds: int | None) -> str:
    """90 -> "1:30", 3725 -> "1:02:05"."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.inclusion_tag("learning/_lesson_questions.html", takes_context=True)
def lesson_questions(context: dict[str, Any], lesson: Lesson, enrolled: bool) -> dict[str, Any]:
    """The lesson page's questions and answers, paginated, with the forms its user may use
    (`enrolled`: whether they are, as the page already knows)."""
    from django.core.paginator import Paginator

    from learning import qa_selectors
    from learning.forms import AnswerForm, QuestionForm

    request = context["request"]
    access = qa_selectors.qa_access(user=request.user, lesson=lesson, enrolled=enrolled)
    page = None
    followed: set[int] = set()
    if access.may_read:
        number = request.GET.get("questions_page")
        focus = request.GET.get("question", "")
        if number is None and focus.isdigit():  # a link to one question (the inbox, an e-mail) opens its page
            number = qa_selectors.question_page_number(
                lesson=lesson, question_id=int(focus), per_page=QUESTIONS_PAGE_SIZE
            )
        page = Paginator(qa_selectors.lesson_questions(lesson=lesson), QUESTIONS_PAGE_SIZE).get_page(number)
        followed = qa_selectors.followed_question_ids(user=request.user, question_ids=[q.pk for q in page])
    return {
        "lesson": lesson,
        "access": access,
        "page": page,
        "followed": followed,
        "ask_form": QuestionForm(auto_id="id_question_%s") if access.may_ask else None,
        "answer_form": AnswerForm() if access.may_answer else None,
        "has_player": context.get("has_player", False),
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
