"""Real media for the demo catalogue, made on the spot by the platform's own ffmpeg: a test-pattern
video with a tone (bilingual subtitles, a PDF handout) as each chosen course's free preview, and
an audio lesson after it."""

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from platform_site.fonts import cjk_font

from .media import ffmpeg, services
from .models import Course, Lesson, LessonAttachment

# Courses that get media: a paid one (its preview plays for visitors) and the free open course.
DEMO_MEDIA_COURSES = ["data-analysis-python", "watercolor-landscapes", "critical-thinking"]
VIDEO_SECONDS = 12
AUDIO_SECONDS = 20

SUBTITLES = {
    "zh-hans": [
        ("00:00.500", "00:04.000", "欢迎来到本课程！"),
        ("00:04.000", "00:08.000", "这是一段由 ffmpeg 生成的测试画面。"),
        ("00:08.000", "00:12.000", "试试倍速、字幕和清晰度切换。"),
    ],
    "en": [
        ("00:00.500", "00:04.000", "Welcome to the course!"),
        ("00:04.000", "00:08.000", "This test pattern was made by ffmpeg."),
        ("00:08.000", "00:12.000", "Try the speed, subtitles and quality switch."),
    ],
}


def _vtt(cues: list[tuple[str, str, str]]) -> bytes:
    lines = ["WEBVTT", ""]
    for index, (start, end, text) in enumerate(cues, start=1):
        lines += [str(index), f"{start} --> {end}", text, ""]
    return "\n".join(lines).encode()


def _handout(course: Course) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    lines = [course.title_en, "", "Handout", "", "1. ...", "2. ...", "3. ..."]
    font = cjk_font()
    if font is not None:
        pdf.add_font("cjk", fname=font.path, collection_font_number=font.index)
        pdf.set_font("cjk", size=16)
        lines = [course.title_zh, *lines[:2], "讲义 / Handout", *lines[3:]]
    else:  # no CJK font on this machine: an English handout still shows attachments
        pdf.set_font("helvetica", size=16)
    pdf.multi_cell(w=0, h=10, text="\n".join(lines))
    return bytes(pdf.output())


def seed_media(*, log: Callable[[str], object] = print) -> int:
    """Give the demo courses their media where they have none yet; return how many lessons got some."""
    done = 0
    with tempfile.TemporaryDirectory(prefix="demo-media-") as folder:
        workdir = Path(folder)
        for course in Course.objects.filter(slug__in=DEMO_MEDIA_COURSES).prefetch_related("lessons"):
            lessons = {lesson.position: lesson for lesson in course.lessons.all()}
            video_lesson, audio_lesson = lessons.get(1), lessons.get(2)
            if video_lesson and not hasattr(video_lesson, "media"):
                video_lesson.kind = Lesson.Kind.VIDEO
                video_lesson.save(update_fields=["kind"])
                source = ffmpeg.make_test_video(
                    workdir / f"{course.slug}.mp4", seconds=VIDEO_SECONDS, width=1280, height=720
                )
                with source.open("rb") as handle:
                    name = services.upload_save(lesson=video_lesson, upload=handle, name=source.name)
                services.media_process(lesson=video_lesson, source_name=name)
                for language, cues in SUBTITLES.items():
                    services.subtitle_set(
                        lesson=video_lesson, language=language,
                        upload=SimpleUploadedFile(f"{language}.vtt", _vtt(cues), "text/vtt"),
                    )  # fmt: skip
                if not LessonAttachment.objects.filter(lesson=video_lesson).exists():
                    services.attachment_create(
                        lesson=video_lesson, title_zh="课程讲义", title_en="Course handout",
                        upload=SimpleUploadedFile("handout.pdf", _handout(course), "application/pdf"),
                    )  # fmt: skip
                log(f"  video lesson: {video_lesson}")
                done += 1
            if audio_lesson and not hasattr(audio_lesson, "media"):
                audio_lesson.kind = Lesson.Kind.AUDIO
                audio_lesson.save(update_fields=["kind"])
                source = ffmpeg.make_test_audio(workdir / f"{course.slug}.wav", seconds=AUDIO_SECONDS)
                with source.open("rb") as handle:
                    name = services.upload_save(lesson=audio_lesson, upload=handle, name=source.name)
                services.media_process(lesson=audio_lesson, source_name=name)
                log(f"  audio lesson: {audio_lesson}")
                done += 1
    return done
