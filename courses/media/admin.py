"""Lessons in the admin: kind, attachments, subtitles and their media upload."""

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from platform_site.exceptions import ApplicationError

from ..models import Lesson, LessonAttachment, LessonSubtitle
from . import services


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = LessonAttachment
        fields = ["position", "title_zh", "title_en", "file"]

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


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "course", "kind", "is_required", "is_free_preview", "duration_minutes", "has_media"]
    list_filter = ["kind", "is_required", "is_free_preview", "course"]
    search_fields = ["title_zh", "title_en", "course__title_zh", "course__slug"]
    list_select_related = ["course", "media"]
    fields = [
        "course", ("position", "kind", "is_required", "is_free_preview"), "duration_minutes",
        ("title_zh", "title_en"), "body_zh", "body_en",
    ]  # fmt: skip
    inlines = [AttachmentInline, SubtitleInline]
    autocomplete_fields = ["course"]

    @admin.display(boolean=True, description=_("media"))
    def has_media(self, lesson: Lesson) -> bool:
        return hasattr(lesson, "media")

    def get_readonly_fields(self, request: HttpRequest, obj: Lesson | None = None) -> list[str]:
        return ["duration_minutes"] if obj is not None and hasattr(obj, "media") else []
