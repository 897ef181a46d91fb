"""Lessons in the admin: kind, attachments, subtitles and their media upload."""

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.request_user import request_user
from jobs.services import job_cancel
from platform_site.exceptions import ApplicationError

from ..admin import yes_no_icon
from ..models import Lesson, LessonAttachment, LessonSubtitle, MediaJob
from . import services
from .jobs import media_job_create


class StoredFileInput(forms.FileInput):
    """A file input that names the file already stored. Protected storage has no public URL, so
    Django's ClearableFileInput would find no current file and show an empty input, as if none was there.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        field = super().render(name, None, attrs, renderer)
        if not getattr(value, "name", None):
            return field
        return format_html(
            '<p class="stored-file">{}: <code>{}</code></p>{}<span class="help">{}</span>',
            _("Current file"), Path(value.name).name, field, _("Choose a file only to replace it."),
        )  # fmt: skip


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = LessonAttachment
        fields = ["position", "title_zh", "title_en", "file"]
        widgets = {"file": StoredFileInput}

    def save(self, commit: bool = True) -> LessonAttachment:
        attachment = super().save(commit=False)
        upload = self.cleaned_data.get("file")
        if upload is not None and "file" in self.changed_data:
            attachment.kind = services.attachment_kind(Path(upload.name).name)
            attachment.size = upload.size or 0
        if commit:
            attachment.save()
        return attachment


class AttachmentInline(admin.TabularInline):
    model = LessonAttachment
    form = AttachmentForm
    extra = 0
    readonly_fields = ["kind", "size"]
    fields = ["position", "title_zh", "title_en", "file", "kind", "size"]


class SubtitleForm(forms.ModelForm):
    class Meta:
        model = LessonSubtitle
        fields = ["language", "file"]
        widgets = {"file": StoredFileInput}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload is not None and "file" in self.changed_data:
            try:
                services.subtitle_check(upload)
            except ApplicationError as error:
                raise ValidationError(error.message, code=error.code) from error
        return upload


class SubtitleInline(admin.TabularInline):
    model = LessonSubtitle
    form = SubtitleForm
    extra = 0


class MediaJobInline(admin.TabularInline):
    model = MediaJob
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at"]
    readonly_fields = ("created_at", "source_name", "status", "progress_percent", "message", "duration_seconds")
    fields = readonly_fields
    verbose_name_plural = _("media uploads")

    @admin.display(description=_("progress"))
    def progress_percent(self, job: MediaJob) -> str:
        return f"{job.progress:.0%}"

    @admin.display(description=_("message"))
    def message(self, job: MediaJob) -> str:
        return job.failure_message()


class LessonForm(forms.ModelForm):
    media_file = forms.FileField(
        label=_("Upload video or audio"),
        required=False,
        help_text=_(
            "Converted for the web in the background (720p and 360p video, or AAC audio); the lesson keeps "
            "its current media until the new file is ready."
        ),
    )

    class Meta:
        model = Lesson
        fields = ["course", "position", "kind", "is_required", "is_free_preview", "duration_minutes",
                  "title_zh", "title_en", "body_zh", "body_en"]  # fmt: skip


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    list_display = ["__str__", "course", "kind", "required", "free_preview", "duration_minutes", "has_media"]
    list_filter = ["kind", "is_required", "is_free_preview", "course"]
    search_fields = ["title_zh", "title_en", "course__title_zh", "course__slug"]
    list_select_related = ["course", "media"]
    fields = [
        "course", ("position", "kind", "is_required", "is_free_preview"), "duration_minutes",
        ("title_zh", "title_en"), "body_zh", "body_en", "media_file",
    ]  # fmt: skip
    inlines = [AttachmentInline, SubtitleInline, MediaJobInline]
    autocomplete_fields = ["course"]

    @admin.display(description=_("media"))
    def has_media(self, lesson: Lesson) -> str:
        return yes_no_icon(hasattr(lesson, "media"))

    @admin.display(description=_("required"), ordering="is_required")
    def required(self, lesson: Lesson) -> str:
        return yes_no_icon(lesson.is_required)

    @admin.display(description=_("free preview"), ordering="is_free_preview")
    def free_preview(self, lesson: Lesson) -> str:
        return yes_no_icon(lesson.is_free_preview)

    def get_readonly_fields(self, request: HttpRequest, obj: Lesson | None = None) -> list[str]:
        return ["duration_minutes"] if obj is not None and hasattr(obj, "media") else []

    class Media:
        js = ["js/admin-upload.js"]  # an upload progress bar (a 2 GB file takes a while)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        upload = form.cleaned_data.get("media_file")
        if upload is not None:
            media_job_create(lesson=form.instance, upload=upload, created_by=request_user(request))
            self.message_user(request, _("The media file is being converted; reload this page to follow it."))


@admin.register(MediaJob)
class MediaJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lesson", "source_name", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["lesson__course"]
    readonly_fields = [f.name for f in MediaJob._meta.fields if f.name != "id"]
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Cancel selected media jobs"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: Any) -> None:
        for job in queryset:
            try:
                job_cancel(job=job)
            except ApplicationError as error:
                self.message_user(request, f"{job}: {error.message}", level="error")
