"""The instructor's drawing over a learner's work: strokes stored with the feedback.

A drawing is a list of strokes, each `{"image": <the image's position>, "points": [[x, y], ...]}`
with x and y normalised to 0..1 of the image's width and height, so it lies over the image at any
size it is shown. Drawn in the review page (static/js/annotate.js), shown to the learner as SVG.
"""

import json
import math
from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

# Bounds far above a real drawing (a few dozen strokes of a few hundred points) that keep a stored
# feedback row, and the page that draws it, small: 5000 points are about 60 KB of JSON.
MAX_STROKES = 200
MAX_POINTS_PER_STROKE = 1000
MAX_POINTS = 5000
# The posted JSON is refused unparsed past this size (the bounds above fit in it with room).
MAX_JSON_CHARS = 120_000
# Four decimals: a tenth of a pixel on a 1000 px wide work.
PRECISION = 4


def _refused() -> ApplicationError:
    message = _("The drawing could not be read: draw it again (at most %(strokes)d strokes of %(points)d points).") % {
        "strokes": MAX_STROKES,
        "points": MAX_POINTS_PER_STROKE,
    }
    return ApplicationError(message, code="bad_annotation", extra={"fields": {"annotation": [message]}})


def _no_constant(name: str) -> float:
    raise ValueError(name)  # NaN, Infinity, -Infinity: Python's json reads them, JSON has none


def parse_annotation(raw: object) -> object:
    """Return the posted drawing parsed (an empty field is no drawing); refuse what is not JSON."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, str) or len(raw) > MAX_JSON_CHARS:
        raise _refused()
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise _refused() from error


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _refused()
    if not 0 <= value <= 1:
        raise _refused()
    return round(float(value), PRECISION)


def check_annotation(strokes: object, *, image_positions: Collection[int]) -> list[dict[str, Any]]:
    """Return the drawing cleaned, or refuse it whole: a list of at most MAX_STROKES strokes, each on
    one of the work's images, of 2 to MAX_POINTS_PER_STROKE points within 0..1."""
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        raise _refused()
    cleaned: list[dict[str, Any]] = []
    total = 0
    for stroke in strokes:
        if not isinstance(stroke, dict) or set(stroke) != {"image", "points"}:
            raise _refused()
        image, points = stroke["image"], stroke["points"]
        if isinstance(image, bool) or not isinstance(image, int) or image not in image_positions:
            raise _refused()
        if not isinstance(points, list) or not 2 <= len(points) <= MAX_POINTS_PER_STROKE:
            raise _refused()
        total += len(points)
        if total > MAX_POINTS:
            raise _refused()
        pairs = []
        for point in points:
            if not isinstance(point, list) or len(point) != 2:
                raise _refused()
            pairs.append([_coordinate(point[0]), _coordinate(point[1])])
        cleaned.append({"image": image, "points": pairs})
    return cleaned


def svg_points(strokes: list[dict[str, Any]], *, image: int) -> list[str]:
    """The strokes on one image as SVG `points` attributes in a 0..1 box ("x,y x,y ...")."""
    return [" ".join(f"{x:g},{y:g}" for x, y in s["points"]) for s in strokes if s["image"] == image]
