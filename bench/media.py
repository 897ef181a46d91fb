"""Lesson media: transcode speed, and the protected media endpoint beside a static file.

1. Transcode speed: seconds of media encoded per second of wall time, per rendition (720p, 360p,
   audio), on a generated 1080p test pattern with a tone.
2. Throughput at 16 connections of Range requests (1 MiB at a random offset) on the signed,
   access-checked media URL, beside the same file served as a static file (whitenoise) by the
   same gunicorn: requests/s and MB/s. wrk when installed, else a threaded Python client (which
   then shares the CPU with the server and understates both).
3. Memory: the gunicorn worker's resident size while it streams a 2 GB file whole.
4. Upload: a manager posts a 2 GB file to the media API (multipart, streamed from the client); the
   worker's resident size while Django's upload handlers spool it to disk and storage copies it by
   chunks, the time it takes, and that the stored file has every byte.

    .venv/bin/python bench/media.py [--duration 10] [--big-gb 2]

Needs PostgreSQL (BENCH_DATABASE_URL, default a `bench_media` database on 127.0.0.1).
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from common import BASE, PORT, ROOT, gunicorn, setup_django, wrk

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_media")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RANGE_BYTES = 1024 * 1024
FILE_BYTES = 256 * 1024 * 1024

WRK_RANGES = """
local paths = {%s}
local size = %d
local cookie = "%s"
request = function()
  local first = math.random(0, size - %d)
  -- Headers given to wrk.format replace wrk.headers: the cookie goes in the same table.
  local headers = {["Cookie"] = cookie, ["Range"] = "bytes=" .. first .. "-" .. (first + %d)}
  return wrk.format("GET", paths[math.random(1, #paths)], headers)
end
"""


def transcode_speed(seconds: int) -> None:
    from courses.media import ffmpeg

    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        source = ffmpeg.make_test_video(workdir / "source.mp4", seconds=seconds, width=1920, height=1080)
        info = ffmpeg.probe(source)
        print(f"transcode: {seconds} s of 1080p25 test pattern with a tone, x264 preset {ffmpeg.X264_PRESET}")
        for height in ffmpeg.VIDEO_HEIGHTS:
            ffmpeg.VIDEO_HEIGHTS, saved = (height,), ffmpeg.VIDEO_HEIGHTS
            started = time.perf_counter()
            try:
                ffmpeg.transcode_video(source, workdir, info=info)
            finally:
                ffmpeg.VIDEO_HEIGHTS = saved
            elapsed = time.perf_counter() - started
            print(f"  {height}p: {elapsed:6.2f} s wall, {info.duration / elapsed:6.2f} s of media per second")
        started = time.perf_counter()
        ffmpeg.transcode_audio(source, workdir, info=info)
        elapsed = time.perf_counter() - started
        print(f"  audio: {elapsed:6.2f} s wall, {info.duration / elapsed:6.2f} s of media per second")


def seed(big_bytes: int) -> tuple[str, str, str, str]:
    """Return (session cookie, protected path, static path, protected path of the big file)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files import File

    from accounts.models import User
    from courses.media import serving
    from courses.models import Course, Enrollment, Lesson, LessonMedia, MediaRendition

    course, _ = Course.objects.update_or_create(
        slug="bench-media",
        defaults={"title_zh": "媒体基准", "description_zh": "-", "track": "art", "status": "published"},
    )
    lesson, _ = Lesson.objects.get_or_create(course=course, position=1, defaults={"title_zh": "一", "kind": "video"})
    user, _ = User.objects.get_or_create(username="bench-learner", defaults={"email": "bench@example.com"})
    Enrollment.objects.get_or_create(learner=user, course=course)
    LessonMedia.objects.filter(lesson=lesson).delete()
    media = LessonMedia.objects.create(lesson=lesson, duration_seconds=600)

    def rendition(label: str, size: int) -> MediaRendition:
        with tempfile.NamedTemporaryFile(suffix=".mp4") as handle:
            handle.truncate(size)  # sparse: the page cache serves it, as it would a hot video
            row = MediaRendition(media=media, label=label, content_type="video/mp4", size=size)
            row.file.save(f"{label}.mp4", File(handle), save=True)
        return row

    small, big = rendition("720p", FILE_BYTES), rendition("360p", big_bytes)
    static = Path(settings.STATICFILES_DIRS[0]) / "bench-media.mp4"
    with static.open("wb") as handle:
        handle.truncate(FILE_BYTES)
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    sign = lambda row: serving.sign(user=user, kind="rendition", asset_id=row.pk)  # noqa: E731
    return f"sessionid={session.session_key}", sign(small), "/static/bench-media.mp4", sign(big)


def load_wrk(path: str, cookie: str, duration: int, connections: int) -> tuple[float, float]:
    script = WRK_RANGES % (f'"{path}"', FILE_BYTES, cookie, RANGE_BYTES, RANGE_BYTES - 1)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", handle.name, f"{BASE}/"],
                         capture_output=True, text=True).stdout  # fmt: skip
    os.unlink(handle.name)
    rps = float(out.split("Requests/sec:")[1].split()[0])
    if "Non-2xx" in out:
        print("    " + out.split("Non-2xx")[1].splitlines()[0].strip(" :") + " responses not 2xx")
    return rps, rps * RANGE_BYTES / 1e6


def load_python(path: str, cookie: str, duration: int, connections: int) -> tuple[float, float]:
    import http.client

    done = [0] * connections
    bad = [0] * connections
    stop = time.monotonic() + duration

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", int(BASE.rsplit(":", 1)[1]))
        while time.monotonic() < stop:
            first = random.randrange(0, FILE_BYTES - RANGE_BYTES)
            connection.request(
                "GET", path, headers={"Cookie": cookie, "Range": f"bytes={first}-{first + RANGE_BYTES - 1}"}
            )
            response = connection.getresponse()
            body = response.read()
            if response.status == 206 and len(body) == RANGE_BYTES:
                done[index] += 1
            else:
                bad[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sum(bad):
        print(f"    {sum(bad)} bad responses")
    rps = sum(done) / duration
    return rps, rps * RANGE_BYTES / 1e6


def worker_rss_kib() -> int:
    """Resident memory of the gunicorn workers (not the arbiter), summed."""
    total = 0
    pids = subprocess.run(["pgrep", "-f", "gunicorn platform_site.wsgi"], capture_output=True, text=True).stdout.split()
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            parent = int(status.split("PPid:")[1].split()[0])
            if "gunicorn" in Path(f"/proc/{parent}/cmdline").read_text():
                total += int(status.split("VmRSS:")[1].split()[0])
        except (OSError, IndexError):
            continue
    return total


def memory_while_streaming(path: str, cookie: str, size: int) -> None:
    before = worker_rss_kib()
    peak = before
    request = urllib.request.Request(BASE + path, headers={"Cookie": cookie})
    received = 0
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        while block := response.read(4 * 1024 * 1024):
            received += len(block)
            peak = max(peak, worker_rss_kib()) if received % (64 * 1024 * 1024) < 4 * 1024 * 1024 else peak
    elapsed = time.perf_counter() - started
    assert received == size, (received, size)
    print(f"memory: streamed {size / 1e9:.1f} GB whole in {elapsed:.1f} s ({size / 1e6 / elapsed:.0f} MB/s); "
          f"gunicorn worker RSS {before / 1024:.0f} MiB before, {peak / 1024:.0f} MiB at peak")  # fmt: skip


def seed_upload() -> tuple[str, int]:
    """Return a course manager's API token and a lesson to upload media to."""
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from courses.models import Lesson

    manager, _ = User.objects.get_or_create(username="bench-manager", defaults={"email": "m@example.com"})
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="courses"))
    token, _ = Token.objects.get_or_create(user=manager)
    return token.key, Lesson.objects.get(course__slug="bench-media", position=1).pk


def memory_while_uploading(token: str, lesson_id: int, size: int) -> None:
    """Post `size` bytes as one multipart file, generated on the fly (the client holds 1 MiB at a time)."""
    boundary = "bench-media-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="lesson"\r\n\r\n{lesson_id}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n").encode()  # fmt: skip
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = os.urandom(1024 * 1024)
    digest = hashlib.sha256()
    peak = [worker_rss_kib()]
    before = peak[0]

    def body() -> "Iterator[bytes]":
        yield head
        sent = 0
        while sent < size:
            chunk = block[: min(len(block), size - sent)]
            digest.update(chunk)
            sent += len(chunk)
            if sent % (64 * 1024 * 1024) == 0:
                peak[0] = max(peak[0], worker_rss_kib())
            yield chunk
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    started = time.perf_counter()
    connection.request("POST", "/api/v1/media-jobs/", body=body(), headers={
        "Authorization": f"Token {token}", "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(head) + size + len(tail)),
    })  # fmt: skip
    response = connection.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - started
    peak[0] = max(peak[0], worker_rss_kib())
    assert response.status == 202, (response.status, answer[:500])
    job = json.loads(answer)
    from courses.media.storage import protected_storage
    from courses.models import MediaJob

    stored = MediaJob.objects.get(pk=job["id"]).source
    with protected_storage().open(stored.name, "rb") as handle:
        check = hashlib.sha256()
        while chunk := handle.read(8 * 1024 * 1024):
            check.update(chunk)
    intact = "every byte stored" if check.digest() == digest.digest() else "STORED FILE DIFFERS"
    print(
        f"upload: {size / 1e9:.1f} GB posted to the media API in {elapsed:.1f} s ({size / 1e6 / elapsed:.0f} MB/s), "
        f"{intact}; gunicorn worker RSS {before / 1024:.0f} MiB before, {peak[0] / 1024:.0f} MiB at peak"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--media-seconds", type=int, default=20)
    parser.add_argument("--big-gb", type=float, default=2.0)
    args = parser.parse_args()

    transcode_speed(args.media_seconds)
    env = setup_django(DATABASE_URL, REDIS_URL)
    env["PROTECTED_MEDIA_ROOT"] = str(Path(tempfile.mkdtemp(prefix="bench-protected-")))
    os.environ["PROTECTED_MEDIA_ROOT"] = env["PROTECTED_MEDIA_ROOT"]
    from django.conf import settings

    settings.PROTECTED_MEDIA_ROOT = env["PROTECTED_MEDIA_ROOT"]
    cookie, protected, static, big = seed(int(args.big_gb * 1024**3))
    load = load_wrk if shutil.which("wrk") else load_python
    print(f"throughput: {args.connections} connections, {RANGE_BYTES // 1024} KiB Range requests, "
          f"{args.duration} s each, load by {'wrk' if load is load_wrk else 'a Python client (no wrk)'}")  # fmt: skip
    try:
        with gunicorn(env, workers=2, threads=8):
            for name, path in (("protected", protected), ("static", static)):
                rps, mbps = load(path, cookie, args.duration, args.connections)
                print(f"  {name:9}: {rps:8.1f} requests/s {mbps:8.1f} MB/s")
            if load is load_wrk:  # the framework's floor: a bare view through the same middleware
                floor = wrk(["/healthz"], args.duration, args.connections)
                print(f"  /healthz : {floor['rps']:8.1f} requests/s (no file, no access check)")
            memory_while_streaming(big, cookie, int(args.big_gb * 1024**3))
            memory_while_uploading(*seed_upload(), int(args.big_gb * 1024**3))
    finally:
        (Path(settings.STATICFILES_DIRS[0]) / "bench-media.mp4").unlink(missing_ok=True)
        shutil.rmtree(env["PROTECTED_MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
