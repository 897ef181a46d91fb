"""Where server-drawn images and PDFs (covers, posters, certificates, statements) find a font with
Chinese glyphs.

Pillow's built-in font and fpdf2's core fonts have no CJK glyphs, so Chinese text needs a system
font: Debian's `fonts-noto-cjk` (installed by `make test` with the browser), another CJK font
fontconfig knows, or the file the `CJK_FONT` setting names (`/path/font.ttc:2`: a collection's
face after the colon).
"""

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

# Noto's CJK collections hold Japanese, Korean, Simplified Chinese, Traditional Chinese and Hong
# Kong faces in that order: face 2 draws Chinese as a reader in China expects.
_NOTO_SC = 2
# Debian/Ubuntu, Arch, Fedora, other Debian CJK fonts, macOS; the first that exists wins.
_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc", _NOTO_SC),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc", _NOTO_SC),
    ("/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-{weight}.ttc", _NOTO_SC),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-{weight}.ttc", _NOTO_SC),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
)


@dataclass(frozen=True)
class Font:
    path: str
    index: int  # the face within a .ttc collection (0 for a single font)


class FontMissing(ApplicationError):
    default_code = "font_missing"


@cache
def cjk_font(*, bold: bool = False) -> Font | None:
    """A font that draws Chinese (its bold weight where one is found), or None when the machine has none."""
    if configured := settings.CJK_FONT:
        path, _sep, index = configured.partition(":")
        return Font(path, int(index or 0)) if Path(path).is_file() else None
    weight = "Bold" if bold else "Regular"
    for pattern, index in _CANDIDATES:
        path = pattern.format(weight=weight)
        if Path(path).is_file():
            return Font(path, index)
    if bold:
        return cjk_font()
    if shutil.which("fc-match"):  # any other CJK font fontconfig knows
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10
        ).stdout
        path, _sep, index = found.rpartition(":")
        if path.endswith((".ttf", ".otf", ".ttc")) and Path(path).is_file():
            return Font(path, int(index or 0))
    return None


def cjk_font_required() -> Font:
    """`cjk_font()`, for documents that cannot do without Chinese (certificates, statements)."""
    font = cjk_font()
    if font is None:
        raise FontMissing(_("No Chinese font is installed: install fonts-noto-cjk or set CJK_FONT."))
    return font
