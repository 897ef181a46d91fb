"""Checks and re-encodes an uploaded artwork image with Pillow, in memory, before anything is stored.

The content decides, never the name: the bytes must open as JPEG, PNG, WebP or HEIC/HEIF (the
phone cameras' format, read through pillow-heif's opener), pass `verify()`,
and decode whole after a fresh open (a truncated file fails there). The pixel count is read from
the header and refused before decoding, so a small PNG that unpacks to gigabytes never does. The
image is written again without its metadata (EXIF: camera, GPS), turned upright first; a HEIC
becomes a JPEG, which every browser shows.
"""

import io
from dataclasses import dataclass
from functools import cache
from typing import IO

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from platform_site.exceptions import ApplicationError

_JPEG_OPTIONS: dict[str, object] = {"quality": 90, "optimize": True}
# Format read -> (format written, content type, file extension, save options).
FORMATS: dict[str, tuple[str, str, str, dict[str, object]]] = {
    "JPEG": ("JPEG", "image/jpeg", "jpg", _JPEG_OPTIONS),
    "PNG": ("PNG", "image/png", "png", {"optimize": True}),
    "WEBP": ("WEBP", "image/webp", "webp", {"quality": 90}),
    "HEIF": ("JPEG", "image/jpeg", "jpg", _JPEG_OPTIONS),
}
# Read one byte past the limit: its presence tells an over-size file from one exactly at it.
_READ_LIMIT_SLACK = 1


class ImageRefused(ApplicationError):
    default_code = "image_refused"


@cache
def _register_heif() -> None:
    # Once per process, on first use rather than at import. The embedded thumbnails of a HEIC are
    # not wanted: ours is made from the checked pixels.
    pillow_heif.register_heif_opener(thumbnails=False)


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _too_many_pixels() -> ImageRefused:
    limit = settings.ASSIGNMENT_MAX_PIXELS
    message = _("The image has too many pixels (at most %(limit)s million).") % {"limit": f"{limit / 1e6:g}"}
    return ImageRefused(message, code="too_many_pixels")


def _read_bounded(upload: IO[bytes], limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + _READ_LIMIT_SLACK)
    if len(data) > limit:
        raise ImageRefused(
            _("The image is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}, code="too_large"
        )
    return data


def check_image(upload: IO[bytes], *, size: int | None = None) -> CheckedImage:
    """Return the image re-encoded without metadata, with its thumbnail; raise ImageRefused."""
    limit = settings.ASSIGNMENT_MAX_IMAGE_BYTES
    if size is not None and size > limit:  # the upload's declared size: refused before reading
        raise ImageRefused(
            _("The image is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}, code="too_large"
        )
    data = _read_bounded(upload, limit)
    _register_heif()
    not_an_image = ImageRefused(_("This file is not a JPEG, PNG, WebP or HEIC image."), code="not_an_image")
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
            width, height = probe.size
            if width * height > settings.ASSIGNMENT_MAX_PIXELS:
                raise _too_many_pixels()
            probe.verify()
        # verify() leaves the image unusable: open again and decode every pixel.
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
            image_format = image.format or ""
            image.load()
            upright = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as error:  # unknown format, truncated, corrupt
        if isinstance(error, Image.UnidentifiedImageError):
            raise not_an_image from error
        raise ImageRefused(_("The image is damaged or incomplete; export it again."), code="damaged") from error
    if image_format not in FORMATS:
        raise not_an_image
    save_format, content_type, extension, options = FORMATS[image_format]
    if save_format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    content = io.BytesIO()
    # No exif=, no pnginfo, no icc_profile argument: the new file carries pixels only.
    upright.save(content, format=save_format, **options)
    thumb = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright.copy()
    side = settings.ASSIGNMENT_THUMBNAIL_SIZE
    thumb.thumbnail((side, side))
    thumbnail = io.BytesIO()
    thumb.save(thumbnail, format="JPEG", quality=82)
    return CheckedImage(
        content=content.getvalue(),
        thumbnail=thumbnail.getvalue(),
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
    )
