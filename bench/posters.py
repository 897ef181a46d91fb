"""Share posters: how many a process draws per second, and its peak memory while it does.

What is timed is what a first request for a poster costs beyond its few queries: decode the stored
artwork (JPEG, reduced by draft() to the scale the poster needs), draw the poster (partners' logos,
texts in the CJK font, the QR code) and encode it as JPEG. A request for a poster already made
draws nothing (one lookup by fingerprint), so it is not timed here.

Each size runs in a child process of its own, so that its peak resident size (ru_maxrss) is its
own: the figure printed beside it is that peak less the child's size before the first poster
(Python, Django, Pillow and the font loaded).

    .venv/bin/python bench/posters.py [--count 40] [--photo 4032x3024]
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _photo(width: int, height: int) -> bytes:
    """A phone-camera-sized JPEG with detail everywhere (noise over a gradient): no easy decode."""
    from PIL import Image

    noise = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (noise, gradient, Image.eval(noise, lambda v: 255 - v)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def _child(size: str, count: int, photo: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    from PIL import Image

    from learning import poster_drawing as drawing

    artwork_bytes = photo.read_bytes()
    with Image.open(io.BytesIO(artwork_bytes)) as probe:
        shape = f"{probe.width}x{probe.height}"
    logos = [Image.new("RGBA", (480, 180), (37, 99, 235, 255)), Image.new("RGBA", (360, 180), (194, 65, 12, 255))]
    texts = drawing.PosterTexts(
        caption="我在这门课上完成的作品", title="墨竹入门：用三种墨色画一丛竹子", name_line="作者：小竹",
        call="扫码和我一起学", hint="扫码参加「春日联名」。", partners=["知识星球", "墨韵学堂"],
    )  # fmt: skip

    def one(number: int) -> int:
        with Image.open(io.BytesIO(artwork_bytes)) as artwork:
            artwork.draft("RGB", drawing.draft_size(size))
            artwork.load()
            link = f"https://courses.example.com/r/code{number:04d}/"
            poster = drawing.PosterInput(size=size, artwork=artwork, texts=texts, logos=logos, qr_text=link)
            data, _w, _h = drawing.draw(poster)
        return len(data)

    # Python, Django, Pillow and the artwork's bytes: the peak of the posters is reported above it.
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    one(0)  # fonts loaded and code paths warm before the clock starts
    started = time.perf_counter()
    total_bytes = sum(one(n) for n in range(1, count + 1))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "size": size, "count": count, "seconds": seconds, "per_second": count / seconds,
        "mean_kb": total_bytes / count / 1024, "peak_rss_mb": peak_kb / 1024, "baseline_rss_mb": baseline_kb / 1024,
        "artwork": shape, "artwork_kb": len(artwork_bytes) / 1024,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--photo", default="4032x3024", help="the artwork's size, WIDTHxHEIGHT (a 12 MP phone photo)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.count, args.file)
        return
    width, height = (int(v) for v in args.photo.split("x"))
    photo = Path(tempfile.mkstemp(suffix=".jpg")[1])
    photo.write_bytes(_photo(width, height))
    print(f"posters drawn one after another in one process; artwork: a {args.photo} JPEG of "
          f"{photo.stat().st_size // 1024} KB; cores: {os.cpu_count()}")  # fmt: skip
    print(f"{'size':<8} {'posters/s':>9} {'ms each':>8} {'KB each':>8} {'peak RSS MB':>11} {'+ over baseline':>15}")
    for size in ("phone", "moments"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", size, "--count", str(args.count), "--file", str(photo)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        ).stdout  # fmt: skip
        row = json.loads(out.strip().splitlines()[-1])
        print(
            f"{size:<8} {row['per_second']:>9.1f} {1000 / row['per_second']:>8.0f} {row['mean_kb']:>8.0f} "
            f"{row['peak_rss_mb']:>11.0f} {row['peak_rss_mb'] - row['baseline_rss_mb']:>15.1f}"
        )
    photo.unlink()


if __name__ == "__main__":
    main()
