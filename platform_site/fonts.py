"""Where server-drawn images and PDFs (covers, certificates, posters) find a font with Chinese glyphs.

Pillow's built-in font has no CJK glyphs, so Chinese text needs a system font: Debian's
`fonts-noto-cjk` (installed by `make test` with the browser) or whatever `CJK_FONT_PATH` names.
"""

from functools import cache
from pathlib import Path

from django.conf import settings

# Debian/Ubuntu (fonts-noto-cjk), Fedora (google-noto-sans-cjk), macOS; the first that exists wins.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-{weight}.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


@cache
def cjk_font_path(*, bold: bool = False) -> Path | None:
    """Return a font file that draws Chinese, or None when the machine has none."""
    configured = getattr(settings, "CJK_FONT_PATH", "")
    if configured and Path(configured).is_file():
        return Path(configured)
    weight = "Bold" if bold else "Regular"
    for pattern in _CANDIDATES:
        path = Path(pattern.format(weight=weight))
        if path.is_file():
            return path
    return None
