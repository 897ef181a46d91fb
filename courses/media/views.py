"""Protected media endpoints: the signed file itself, and fresh URLs for a player about to need them."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from platform_site.shortcuts import found

from ..models import Lesson
from . import player, serving


@require_GET  # HEAD too
def media_file(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        asset = serving.unsign(token=token, user=request.user)
    except serving.AccessDenied as error:
        raise PermissionDenied(str(error)) from error
    lesson, storage, name, content_type, download = found(player.asset_file(asset))
    if not player.can_open(lesson=lesson, user=request.user):
        raise PermissionDenied("not enrolled")
    return serving.file_response(
        storage=storage,
        name=name,
        range_header=request.headers.get("Range", ""),
        content_type=content_type,
        download_name=download,
    )


@require_GET
def media_urls(request: HttpRequest, slug: str, position: int) -> JsonResponse:
    """Fresh signed URLs for the lesson (the player calls this before its URLs expire)."""
    lesson = get_object_or_404(Lesson.objects.select_related("course", "media"), course__slug=slug, position=position)
    if not player.can_open(lesson=lesson, user=request.user):
        raise PermissionDenied
    response = JsonResponse(player.media_urls(lesson=lesson, user=request.user))
    response["Cache-Control"] = "no-store"
    return response
