"""The learner's share poster of a work in the gallery: choose the options, see it, download it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from accounts.request_user import request_user
from courses.media.serving import file_response
from marketing import selectors as marketing_selectors
from platform_site.exceptions import ApplicationError
from platform_site.shortcuts import found

from . import assignment_selectors as selectors
from . import posters
from .assignment_forms import add_service_errors
from .models import Poster
from .poster_forms import PosterForm

POSTER_ID_MAX = 2**63 - 1  # beyond a bigint: no such poster, and no database error either


def _shown_poster(request: HttpRequest, submission_id: int) -> Poster | None:
    raw = request.GET.get("poster", "")
    if not raw.isdigit() or int(raw) > POSTER_ID_MAX:
        return None
    poster = selectors.learner_poster(learner=request_user(request), pk=int(raw))
    return poster if poster is not None and poster.submission_id == submission_id else None


@require_http_methods(["GET", "POST"])
@login_required
def poster_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The options form, and the poster just made with its download button."""
    learner = request_user(request)
    try:
        submission = posters.poster_submission(learner=learner, submission_id=pk)
    except posters.PosterUnavailable as error:  # another learner's, or not in the gallery: nothing to see
        raise Http404 from error
    shown = _shown_poster(request, submission.pk) if request.method == "GET" else None
    name = (learner.get_full_name() or learner.username)[: posters.NAME_MAX]
    initial: dict[str, object] = {"size": Poster.Size.PHONE, "display_name": name}
    if shown is not None:  # the form starts from the options of the poster shown
        initial = {"size": shown.size, "show_name": bool(shown.display_name),
                   "display_name": shown.display_name or name}  # fmt: skip
    form = PosterForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                poster = posters.poster_make(
                    learner=learner, submission_id=submission.pk, size=form.cleaned_data["size"],
                    language=get_language(), display_name=form.name(), base_url=request.build_absolute_uri("/"),
                )  # fmt: skip
            except posters.PosterUnavailable as error:
                raise Http404 from error
            except ApplicationError as error:
                add_service_errors(form, error)
            else:
                return redirect(f"{reverse('learning:poster', args=[submission.pk])}?poster={poster.pk}#poster")
        status = 400
    course = submission.assignment.lesson.course
    context = {
        "submission": submission,
        "lesson": submission.assignment.lesson,
        "course": course,
        "campaign": marketing_selectors.course_referral_campaign(course=course),
        "poster": shown,
        "form": form,
    }
    return render(request, "learning/poster.html", context, status=status)


@require_GET
def poster_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The poster's JPEG, for its author only and while the work shows in the gallery; else a 404."""
    poster = found(selectors.learner_poster(learner=request.user, pk=pk))
    download = f"poster-{poster.submission_id}-{poster.size}-{poster.language}.jpg" if "download" in request.GET else ""
    return file_response(storage=poster.file.storage, name=str(poster.file.name), content_type="image/jpeg",
                         range_header=request.headers.get("Range", ""), download_name=download)  # fmt: skip
