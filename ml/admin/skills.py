"""The lexicon, model versions and the skills they found, in the admin."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.request_user import request_user

from .. import selectors, services
from ..models import CourseSkill, ModelVersion, SkillTerm

if TYPE_CHECKING:
    pass


@admin.register(SkillTerm)
class SkillTermAdmin(admin.ModelAdmin):
    """The lexicon, and the review of the terms imported corpora propose (filter by status)."""

    list_display = ["name", "type", "status", "aliases", "occurrences", "in_texts", "as_skill", "corpus", "origin"]
    list_filter = ["status", "type", "corpus"]
    list_select_related = ["corpus"]
    search_fields = ["name", "aliases"]
    readonly_fields = ["corpus", "origin", "occurrences", "in_texts", "as_skill"]
    actions = ["accept", "reject"]

    @admin.action(description=_("Put selected terms in use"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[SkillTerm]) -> None:
        changed = services.lexicon_review(
            term_ids=queryset.values_list("pk", flat=True), status=SkillTerm.Status.ACTIVE
        )
        self.message_user(request, ngettext("%d term put in use.", "%d terms put in use.", changed) % changed)

    @admin.action(description=_("Reject selected terms"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[SkillTerm]) -> None:
        changed = services.lexicon_review(
            term_ids=queryset.values_list("pk", flat=True), status=SkillTerm.Status.REJECTED
        )
        self.message_user(request, ngettext("%d term rejected.", "%d terms rejected.", changed) % changed)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "base_model", "is_active", "f1", "knowledge_f1", "art_f1", "created_at"]
    readonly_fields = ["name", "base_model", "artifact", "labels", "metrics", "is_active", "created_at"]
    actions = ["activate", "tag_catalogue"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from training jobs

    @admin.display(description="F1")
    def f1(self, version: ModelVersion) -> Any:
        return version.metrics.get("f1")

    @admin.display(description=_("knowledge F1"))
    def knowledge_f1(self, version: ModelVersion) -> Any:
        return version.metrics.get("per_type", {}).get("KNOWLEDGE", {}).get("f1")

    @admin.display(description=_("art F1"))
    def art_f1(self, version: ModelVersion) -> Any:
        return version.metrics.get("per_type", {}).get("ART", {}).get("f1")

    @admin.action(description=_("Activate (and re-tag the catalogue)"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return None
        version = queryset.get()
        active = ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).first()
        scores_lower = active is not None and (version.metrics.get("f1") or 0) < (active.metrics.get("f1") or 0)
        if active is not None and scores_lower and request.POST.get("confirm") != "yes":
            # Activation re-tags the whole catalogue: a worse model must be a choice, not a slip.
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Activate a version that scores lower?"),
                "version": version,
                "active": active,
                "version_f1": self.f1(version),
                "active_f1": self.f1(active),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/ml/modelversion/activate_confirm.html", context)
        services.model_version_activate(version=version)
        self.message_user(request, _("Activated; the catalogue is being tagged again."))
        return None

    @admin.action(description=_("Tag the catalogue with this version"), permissions=["change"])
    def tag_catalogue(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        for version in queryset:
            services.tagging_job_create(version=version, course_ids=[], user=request_user(request))
        self.message_user(request, _("Tagging jobs queued."))


class CourseSkillForm(forms.ModelForm):
    class Meta:
        model = CourseSkill
        fields = ["start", "end", "type"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        text = selectors.course_texts(self.instance.course).get(self.instance.language, "")
        if not 0 <= data.get("start", -1) < data.get("end", -1) <= len(text):
            raise forms.ValidationError(_("The span lies outside the course text."))
        return data


@admin.register(CourseSkill)
class CourseSkillAdmin(admin.ModelAdmin):
    """Review predictions: accepted and corrected ones become gold training data."""

    list_display = ["text", "type", "confidence", "course", "language", "review", "model_version"]
    list_filter = ["review", "type", "language", "model_version"]
    search_fields = ["text", "course__title_zh", "course__title_en"]
    list_select_related = ["course", "model_version"]
    fields = ["course", "language", "text", "start", "end", "type", "confidence", "review"]
    readonly_fields = ["course", "language", "text", "confidence", "review"]
    actions = ["accept", "reject"]
    form = CourseSkillForm

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CourseSkill, form: forms.Form, change: bool) -> None:
        data = form.cleaned_data  # the form checked the span lies inside the text
        services.course_skill_correct(skill=obj, start=data["start"], end=data["end"], type=data["type"])

    @admin.action(description=_("Accept selected skills"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[CourseSkill]) -> None:
        ids = queryset.values_list("pk", flat=True)
        services.course_skills_review(skill_ids=ids, review=CourseSkill.Review.ACCEPTED)

    @admin.action(description=_("Reject selected skills"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[CourseSkill]) -> None:
        ids = queryset.values_list("pk", flat=True)
        services.course_skills_review(skill_ids=ids, review=CourseSkill.Review.REJECTED)
