"""Protected media: URLs signed for one learner and one file, and responses that honour HTTP Range.

A URL carries a TimestampSigner token of (user id, asset kind, asset id); it is good for
MEDIA_URL_MAX_AGE_SECONDS and only for the user it was made for (0: a visitor, who may open
free-preview lessons only). Access is checked again on every request, so a refund closes the
door at once. Bytes go out by Django (streamed in blocks, Range aware) on the embedded
defaults, or are handed to the web server / object storage by MEDIA_SERVE_MODE.
"""

import mimetypes
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import Storage
from django.db.models import Model
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header

from ..models import LessonAttachment, LessonMedia, LessonSubtitle, MediaRendition

if TYPE_CHECKING:
    from accounts.models import User

SALT = "courses.media.url"
# Blocks of 256 KiB where a server copies the file itself: few system calls, flat memory.
BLOCK_SIZE = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

# Asset kinds a URL may name, and the model and file field each reads.
ASSETS: dict[str, tuple[type[Model], str]] = {
    "rendition": (MediaRendition, "file"),
    "poster": (LessonMedia, "poster"),
    "subtitle": (LessonSubtitle, "file"),
    "attachment": (LessonAttachment, "file"),
}


class AccessDenied(Exception):
    """The token is expired, tampered with, or made for another user."""


@dataclass(frozen=True)
class Asset:
    kind: str
    id: int


def sign(*, user: "User | Any", kind: str, asset_id: int) -> str:
    """Return the path of a signed URL to the asset, for `user` (an anonymous user signs as 0)."""
    if kind not in ASSETS:
        raise ValueError(kind)
    user_id = user.pk if user.is_authenticated else 0
    token = signing.TimestampSigner(salt=SALT).sign_object({"u": user_id, "k": kind, "i": asset_id}, compress=False)
    return reverse("courses:media", args=[token])


def unsign(*, token: str, user: "User | Any") -> Asset:
    """Return the asset a token names, if it is fresh and was made for `user`."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.MEDIA_URL_MAX_AGE_SECONDS)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise AccessDenied(str(error)) from error
    user_id = user.pk if user.is_authenticated else 0
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("k") not in ASSETS:
        raise AccessDenied("token made for another user")
    return Asset(kind=data["k"], id=int(data["i"]))


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Return the (first, last) byte of a single `bytes=` range, None for a header to ignore.

    Raises ValueError for a range outside the file (416). Several ranges in one header are served
    as the whole file: no player asks for them.
    """
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError(header)
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError(header)
    return start, end


class _RangeFile:
    """One byte range of an open file. Reads stop at the range's end; `fileno` lets a server that
    sends files through the kernel (gunicorn's sendfile, bounded by Content-Length) do so."""

    def __init__(self, handle: Any, length: int) -> None:
        self.handle = handle
        self.remaining = length

    def read(self, size: int | None = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.handle.read(size)
        self.remaining -= len(data)
        return data

    def fileno(self) -> int:
        return self.handle.fileno()

    def seekable(self) -> bool:
        return False  # FileResponse must not measure it: the range's length is set by the caller

    def seek(self, offset: int, whence: int = 0) -> int:
        # socket.sendfile seeks here before copying by hand, when the kernel's sendfile gives up.
        return self.handle.seek(offset, whence)

    def close(self) -> None:
        self.handle.close()


def file_response(
    *, storage: Storage, name: str, range_header: str = "", content_type: str = "", download_name: str = ""
) -> HttpResponseBase:
    """Send a stored file (or the requested byte range of it) without reading it into memory."""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    mode = settings.MEDIA_SERVE_MODE
    if mode == "redirect":
        return HttpResponseRedirect(storage.url(name))
    response: HttpResponseBase
    if mode in ("x-accel-redirect", "x-sendfile"):
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + name
        else:
            response["X-Sendfile"] = storage.path(name)
        # The web server answers Range itself; the body and its length are its to send.
        del response["Content-Length"]
    else:
        size = storage.size(name)
        try:
            byte_range = parse_range(range_header, size) if range_header else None
        except ValueError:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle = storage.open(name, "rb")
        if byte_range is None:
            response = FileResponse(handle, content_type=content_type)
            response["Content-Length"] = str(size)
        else:
            first, last = byte_range
            handle.seek(first)
            response = stream = FileResponse(
                _RangeFile(handle, last - first + 1), status=206, content_type=content_type
            )
            stream.block_size = BLOCK_SIZE  # bigger reads than FileResponse's 4 KiB
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(last - first + 1)
        response["Accept-Ranges"] = "bytes"
    if download_name:
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=download_name)
    # Signed for one learner: no shared cache may keep it, the learner's browser may for a while.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
