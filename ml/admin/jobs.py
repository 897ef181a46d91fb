"""Training corpora, training jobs and tagging jobs in the admin."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.request_user import request_user
from courses.admin import add_field_errors
from courses.models import Course
from jobs.services import job_cancel
from platform_site.exceptions import ApplicationError

from .. import services
from ..models import ModelVersion, SkillTerm, TaggingJob, TrainingCorpus, TrainingJob
from ..training_config import (
    BATCH_SIZE,
    EPOCHS,
    LEARNING_RATE,
    PATIENCE,
    SOURCES,
    Limit,
    TrainingParams,
    allowed_base_models,
    validated,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _limited(limit: Limit, label: "StrOrPromise") -> forms.Field:
    """A number field with the one definition's bounds and default (ml/training_config.py)."""
    if limit.kind is int:
        low, high = int(limit.low), int(limit.high)
        return forms.IntegerField(label=label, initial=limit.default, min_value=low, max_value=high)
    return forms.FloatField(label=label, initial=limit.default, min_value=limit.low, max_value=limit.high)


# The training sources' codes are the API's (ml/training_config.py); the form shows their names.
SOURCE_LABELS = {
    "corpus": _("shipped corpus"),
    "lexicon": _("skill lexicon"),
    "reviewed": _("skills reviewed by managers"),
}


class TrainingJobForm(forms.ModelForm):
    """What a manager chooses for a fine-tune; the service checks it like an API request."""

    base_model = forms.ChoiceField(
        label=_("base model"),
        choices=lambda: [(name, name) for name in allowed_base_models()],
        initial=lambda: settings.ML_BASE_MODEL,
    )
    epochs = _limited(EPOCHS, _("epochs"))
    learning_rate = _limited(LEARNING_RATE, _("learning rate"))
    batch_size = _limited(BATCH_SIZE, _("batch size"))
    patience = _limited(PATIENCE, _("early-stopping patience"))
    patience.help_text = _("Epochs without a better dev F1 before training stops.")
    sources = forms.MultipleChoiceField(label=_("training data"), initial=list(SOURCES),
                                        choices=[(s, SOURCE_LABELS.get(s, s)) for s in SOURCES],
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip
    corpora = forms.ModelMultipleChoiceField(
        label=_("imported corpora"), queryset=TrainingCorpus.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Imported files to train on as well (admin → training corpora)."),
    )  # fmt: skip
    activate = forms.BooleanField(
        label=_("activate"), required=False, help_text=_("Make the new version active when training succeeds.")
    )

    params: TrainingParams  # set by clean()

    class Meta:
        model = TrainingJob
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            self.params = validated({**data, "corpora": [corpus.pk for corpus in data.get("corpora", [])]})
        except ApplicationError as error:
            add_field_errors(self, error)
        return data


class TrainingCorpusForm(forms.ModelForm):
    """Import a file of training examples, read whole (by the service) before it is stored."""

    class Meta:
        model = TrainingCorpus
        fields = ["name", "file"]
        help_texts = {
            # Column names and JSON keys are codes the file must use as they are: set apart as code.
            "file": _(
                "CSV with columns <code>id,title,description,skills,domain,source</code> (skills ;-separated; "
                'silver spans), or JSONL, one <code>{"text": ..., "spans": [{"start", "end", "type"}]}</code> '
                "a line (gold spans)."
            )
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            services.corpus_check(name=data["name"], upload=data["file"])
        except ApplicationError as error:
            add_field_errors(self, error)
        return data


@admin.register(TrainingCorpus)
class TrainingCorpusAdmin(admin.ModelAdmin):
    list_display = ["name", "examples", "spans", "proposed_terms", "uploaded_by", "created_at"]
    readonly_fields = ["name", "file", "examples", "spans", "uploaded_by", "created_at"]
    search_fields = ["name"]
    actions = ["accept_terms"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrainingCorpus]:
        waiting = Count("terms", filter=Q(terms__status=SkillTerm.Status.PROPOSED))
        return super().get_queryset(request).annotate(waiting_terms=waiting)

    @admin.display(description=_("terms awaiting review"), ordering="waiting_terms")
    def proposed_terms(self, imported: TrainingCorpus) -> str:
        count = getattr(imported, "waiting_terms", 0)
        if not count:
            return "0"
        url = reverse("admin:ml_skillterm_changelist")
        query = f"?corpus__id__exact={imported.pk}&status__exact={SkillTerm.Status.PROPOSED}"
        return format_html('<a href="{}{}">{}</a>', url, query, count)

    def has_accept_terms_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ml.change_skillterm")

    @admin.action(description=_("Put the terms these corpora propose in use"), permissions=["accept_terms"])
    def accept_terms(self, request: HttpRequest, queryset: QuerySet[TrainingCorpus]) -> None:
        waiting = SkillTerm.objects.proposed().filter(corpus__in=queryset).values_list("pk", flat=True)
        changed = services.lexicon_review(term_ids=waiting, status=SkillTerm.Status.ACTIVE)
        self.message_user(request, ngettext("%d term put in use.", "%d terms put in use.", changed) % changed)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = TrainingCorpusForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a corpus is imported whole; a new file is a new corpus

    def save_model(self, request: HttpRequest, obj: TrainingCorpus, form: forms.Form, change: bool) -> None:
        data = form.cleaned_data
        obj.pk = services.corpus_import(name=data["name"], upload=data["file"], user=request_user(request)).pk


def _progress(job: Any) -> str:
    percent = round(100 * job.progress)
    return format_html('<progress value="{}" max="100">{}%</progress> {}%', percent, percent, percent)


@admin.register(TrainingJob)
class TrainingJobAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "progress_bar", "epoch", "best_f1", "device", "created_at", "model_version"]
    list_filter = ["status"]
    actions = ["cancel"]
    # A job's page is a report: the worker and the job services own every field of it.
    readonly_fields = [
        "status", "progress_bar", "epoch", "metrics_table", "dataset", "params", "error", "device",
        "queued_at", "heartbeat_at", "attempts", "cancel_requested", "idempotency_key", "created_by",
        "model_version", "created_at", "started_at", "finished_at",
    ]  # fmt: skip

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = TrainingJobForm
            kwargs["fields"] = [
                "base_model", "epochs", "learning_rate", "batch_size", "patience", "sources", "corpora", "activate",
            ]  # fmt: skip
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj else []

    def get_fields(self, request: HttpRequest, obj: Any = None):  # the admin's own (wide) return type
        return self.readonly_fields if obj else super().get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: TrainingJob, form: TrainingJobForm, change: bool) -> None:
        if change:
            return
        job, _created = services.training_job_create(user=request_user(request), params=form.params)
        obj.pk = job.pk

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None):
        # Live view of a running job: the page reloads itself until the job ends.
        job = self.get_object(request, object_id)
        extra = {
            "refresh_seconds": 5 if job is not None and not job.is_finished else None,
            # A report, not a form: nothing on it is saved (cancelling is the list's action).
            "show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False,
            **(extra_context or {}),
        }  # fmt: skip
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description=_("progress"))
    def progress_bar(self, job: TrainingJob) -> str:
        return _progress(job)

    @admin.display(description=_("metrics so far"))
    def metrics_table(self, job: TrainingJob) -> str:
        if not job.metrics:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.get("epoch", i + 1),
                    _number(row.get("loss")),
                    _number(row.get("precision")),
                    _number(row.get("recall")),
                    _number(row.get("f1")),
                    _number(row.get("per_type", {}).get("KNOWLEDGE", {}).get("f1")),
                    _number(row.get("per_type", {}).get("ART", {}).get("f1")),
                )
                for i, row in enumerate(job.metrics)
            ),
        )
        return format_html(
            '<table data-testid="metrics"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>F1</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("epoch"), _("loss"), _("precision"), _("recall"), _("knowledge F1"), _("art F1"), rows,
        )  # fmt: skip

    @admin.display(description=_("best dev F1"))
    def best_f1(self, job: TrainingJob) -> str:
        return max((row.get("f1", 0) for row in job.metrics), default="-")

    @admin.action(description=_("Cancel selected jobs"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[TrainingJob]) -> None:
        _cancel_all(self, request, queryset)


def _number(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) else "-"


def _cancel_all(model_admin: admin.ModelAdmin, request: HttpRequest, jobs: QuerySet) -> None:
    done = 0
    for job in jobs:
        try:
            job_cancel(job=job)
            done += 1
        except ApplicationError as error:
            model_admin.message_user(request, f"{job}: {error.message}", messages.WARNING)
    if done:
        model_admin.message_user(request, ngettext("%d job cancelled.", "%d jobs cancelled.", done) % done)


class TaggingJobForm(forms.ModelForm):
    """Tag chosen courses (none chosen: the published catalogue) with a version, the active one
    unless another is picked."""

    courses = forms.ModelMultipleChoiceField(
        label=_("courses"), queryset=Course.objects.order_by("title_zh"), required=False,
        widget=FilteredSelectMultiple(_("courses"), is_stacked=False),
        help_text=_("None chosen: every published course."),
    )  # fmt: skip

    class Meta:
        model = TaggingJob
        fields = ["model_version"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model_version"].initial = ModelVersion.objects.filter(is_active=True).first()


@admin.register(TaggingJob)
class TaggingJobAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "progress_bar", "tagged", "model_version", "created_at"]
    list_filter = ["status"]
    actions = ["cancel"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = TaggingJobForm
            kwargs["fields"] = ["model_version", "courses"]
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a job is started (add) and cancelled (action), never edited

    def save_model(self, request: HttpRequest, obj: TaggingJob, form: forms.Form, change: bool) -> None:
        job, _created = services.tagging_job_create(
            version=form.cleaned_data["model_version"],
            course_ids=[course.pk for course in form.cleaned_data["courses"]],
            user=request_user(request),
        )
        obj.pk = job.pk

    def response_add(self, request: HttpRequest, obj: TaggingJob, post_url_continue: Any = None) -> HttpResponse:
        self.message_user(request, _("Tagging job queued."))
        return HttpResponseRedirect(reverse("admin:ml_taggingjob_changelist"))

    @admin.display(description=_("progress"))
    def progress_bar(self, job: TaggingJob) -> str:
        return _progress(job)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        # Tagging jobs are never edited in a form, but stopping one is a change.
        return request.user.has_perm("ml.change_taggingjob")

    @admin.action(description=_("Cancel selected jobs"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[TaggingJob]) -> None:
        _cancel_all(self, request, queryset)
