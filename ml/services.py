"""Writes of the ml domain: jobs (create, run, cancel, reap), model versions, tagging.

Running a job imports torch; the functions that do (`training_job_run`, `tagging_job_run`) are
called only by Celery tasks and management commands.
"""

import logging
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.cache import catalogue_changed
from courses.models import Course
from platform_site.exceptions import ApplicationError, Conflict

from . import corpus, datasets
from .models import CourseSkill, JobStatus, ModelVersion, SkillTerm, TaggingJob, TrainingJob
from .spans import LABELS, Example, Lexicon, Span
from .training_config import validated

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A running job writes its heartbeat at most this often (a row update per training step is waste).
HEARTBEAT_EVERY = 5.0
# A job whose worker died is queued again this many times before it is marked failed.
MAX_ATTEMPTS = 2
TAGGING_BATCH = 64  # courses per transaction: a crash loses little, progress moves often


# ------------------------------------------------------------------------------ training data
def course_texts(course: Course) -> dict[str, str]:
    texts = {"zh": f"{course.title_zh}\n{course.description_zh}"}
    if course.title_en or course.description_en:
        texts["en"] = f"{course.title_en}\n{course.description_en}"
    return texts


def lexicon_terms() -> dict[str, str]:
    return {name: term.type for term in SkillTerm.objects.all() for name in term.names()}


def training_examples(*, sources: Iterable[str], files: Iterable[Path] = ()) -> tuple[list[Example], dict[str, int]]:
    """Gather examples from the named sources and files; return them and a count per source."""
    examples: list[Example] = []
    summary: dict[str, int] = {}
    for source in sources:
        if source == "corpus":
            found = corpus.build()
        elif source == "lexicon":
            terms = lexicon_terms()
            texts = [t for c in Course.objects.published() for t in course_texts(c).values()]
            found = list(datasets.lexicon_examples(texts, terms)) if terms else []
        elif source == "reviewed":
            found = reviewed_examples()
        else:
            raise ApplicationError(_("Unknown data source %(name)s.") % {"name": source}, code="unknown_source")
        summary[source] = len(found)
        examples += found
    for path in files:
        found = datasets.read_file(Path(path))
        summary[str(path)] = len(found)
        examples += found
    return examples, summary


def reviewed_examples() -> list[Example]:
    """Predictions a manager accepted or corrected, as gold spans over their course texts."""
    reviewed = CourseSkill.objects.filter(review__in=[CourseSkill.Review.ACCEPTED, CourseSkill.Review.CORRECTED])
    by_text: dict[tuple[int, str], list[Span]] = {}
    for skill in reviewed:
        by_text.setdefault((skill.course_id, skill.language), []).append(Span(skill.start, skill.end, skill.type))
    courses = Course.objects.in_bulk({course_id for course_id, _ in by_text})
    examples = []
    for (course_id, language), spans in by_text.items():
        text = course_texts(courses[course_id]).get(language)
        if text is not None:
            examples.append(Example(text, tuple(sorted(spans))))
    return examples


# ------------------------------------------------------------------------------ training jobs
def training_job_create(
    *, user: "User | None", params: dict[str, Any], idempotency_key: str = ""
) -> tuple[TrainingJob, bool]:
    """Queue a fine-tune; a retry with the same key returns the job it created."""
    from . import tasks

    if existing := _existing(TrainingJob, user, idempotency_key):
        return existing, False
    params = validated(params)
    try:
        with transaction.atomic():
            job = TrainingJob.objects.create(created_by=user, params=params, idempotency_key=idempotency_key)
            transaction.on_commit(lambda: tasks.train_model_task.delay(job.pk))
    except IntegrityError:
        return TrainingJob.objects.get(created_by=user, idempotency_key=idempotency_key), False
    return job, True


def _existing(model: type, user: "User | None", idempotency_key: str) -> Any:
    """The job a client already created with this key (a retried request), if any."""
    if not idempotency_key:
        return None
    return model.objects.filter(created_by=user, idempotency_key=idempotency_key).first()


def _claim(model: type, job_id: int) -> Any:
    """Move a queued job to running (once, even if the message is delivered twice)."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        return job


def _finish(job: Any, status: str, **fields: Any) -> None:
    type(job).objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)


class _Beat:
    """Heartbeat and cancel check for a running job, at most every HEARTBEAT_EVERY seconds."""

    def __init__(self, job: Any) -> None:
        self.job, self.last, self.cancelled = job, 0.0, False

    def __call__(self, progress: float | None = None, **fields: Any) -> bool:
        now = time.monotonic()
        if fields or now - self.last >= HEARTBEAT_EVERY:
            self.last = now
            updates = {"heartbeat_at": timezone.now(), **fields}
            if progress is not None:
                updates["progress"] = round(progress, 4)
            type(self.job).objects.filter(pk=self.job.pk).update(**updates)
            self.cancelled = type(self.job).objects.filter(pk=self.job.pk, cancel_requested=True).exists()
        return self.cancelled


def training_job_run(
    *, job_id: int, files: Iterable[Path] = (), on_progress: Callable[[float], None] | None = None
) -> TrainingJob | None:
    """Run a queued training job to a terminal state: succeeded, failed or cancelled."""
    from .training.train import TrainConfig, TrainingCancelled, train

    job = _claim(TrainingJob, job_id)
    if job is None:
        return None
    beat = _Beat(job)
    workdir = Path(tempfile.mkdtemp(prefix=f"train-{job.pk}-", dir=_cache_dir()))
    try:
        params = dict(job.params)
        examples, summary = training_examples(sources=params.pop("sources"), files=files)
        activate = params.pop("activate", False)
        train_set, dev_set = corpus.split(examples, dev_share=0.2, seed=params.get("seed", 13))
        summary.update(train=len(train_set), dev=len(dev_set))
        TrainingJob.objects.filter(pk=job.pk).update(dataset=summary)
        config = TrainConfig(**params)
        history: list[dict[str, Any]] = []

        def on_epoch(report: Any) -> None:
            history.append({"epoch": report.epoch, "loss": round(report.loss, 4), **report.metrics})
            beat(report.progress, epoch=report.epoch, metrics=history)

        def on_step(progress: float) -> None:
            beat(progress)
            if on_progress:
                on_progress(progress)

        result = train(
            train_set, dev_set, config, workdir, on_epoch=on_epoch, on_step=on_step, should_stop=lambda: beat.cancelled
        )
        version = _save_version(job, config.base_model, result)
        _finish(job, JobStatus.SUCCEEDED, progress=1.0, device=result.device, model_version=version)
        if activate:
            model_version_activate(version=version)
    except TrainingCancelled:
        _finish(job, JobStatus.CANCELLED)
    except Exception as error:  # any failure must leave the job failed, not running forever
        logger.exception("Training job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    job.refresh_from_db()
    return job


def _cache_dir() -> Path:
    path = Path(settings.ML_CACHE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _save_version(job: TrainingJob, base_model: str, result: Any) -> ModelVersion:
    name = f"v{timezone.now():%Y%m%d-%H%M%S}-{job.pk}"
    archive = Path(tempfile.mkstemp(suffix=".zip", dir=_cache_dir())[1])
    try:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in result.model_dir.iterdir():
                bundle.write(path, path.name)
        metrics = {
            **result.metrics,
            "best_epoch": result.best_epoch,
            "epochs_run": result.epochs_run,
            "samples_per_second": result.samples_per_second,
            "peak_memory_mb": result.peak_memory_mb,
        }
        with archive.open("rb") as handle:
            version = ModelVersion(name=name, base_model=base_model, labels=list(LABELS), metrics=metrics)
            version.artifact.save(f"{name}.zip", File(handle), save=False)
            version.save()
    finally:
        archive.unlink(missing_ok=True)
    return version


def job_cancel(*, job: Any) -> Any:
    """Cancel a job: at once if still queued, between two training steps if running."""
    with transaction.atomic():
        job = type(job).objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.QUEUED:
            job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
        elif job.status == JobStatus.RUNNING:
            job.cancel_requested = True
        else:
            raise Conflict(_("This job has already ended."), code="job_finished")
        job.save(update_fields=["status", "finished_at", "cancel_requested"])
    return job


def reap_stale_jobs(*, now: Any = None) -> dict[str, int]:
    """Queue again (once) or fail running jobs whose heartbeat stopped: their worker died."""
    from . import tasks

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ML_HEARTBEAT_TIMEOUT_SECONDS)
    outcome = {"requeued": 0, "failed": 0}
    for model, task in ((TrainingJob, tasks.train_model_task), (TaggingJob, tasks.tag_courses_task)):
        for job in model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff):
            with transaction.atomic():
                locked = model.objects.select_for_update().get(pk=job.pk)
                if locked.status != JobStatus.RUNNING or locked.heartbeat_at >= cutoff:
                    continue
                if locked.cancel_requested:
                    locked.status, locked.finished_at = JobStatus.CANCELLED, now
                elif locked.attempts < MAX_ATTEMPTS:
                    locked.status = JobStatus.QUEUED
                    transaction.on_commit(lambda pk=locked.pk, task=task: task.delay(pk))
                    outcome["requeued"] += 1
                else:
                    locked.status, locked.finished_at = JobStatus.FAILED, now
                    locked.error = _("The worker stopped answering (no heartbeat since %(when)s).") % {
                        "when": f"{locked.heartbeat_at:%Y-%m-%d %H:%M:%S}"
                    }
                    outcome["failed"] += 1
                locked.save()
    return outcome


# ------------------------------------------------------------------------------ versions and tagging
def model_version_activate(*, version: ModelVersion) -> TaggingJob:
    """Make `version` the one the platform uses, and re-tag the catalogue with it."""
    with transaction.atomic():
        ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
        job, _created = tagging_job_create(version=version, course_ids=[], user=None)
    return job


def tagging_job_create(
    *, version: ModelVersion, course_ids: list[int], user: "User | None", idempotency_key: str = ""
) -> tuple[TaggingJob, bool]:
    from . import tasks

    if existing := _existing(TaggingJob, user, idempotency_key):
        return existing, False
    with transaction.atomic():
        job = TaggingJob.objects.create(
            model_version=version, course_ids=sorted(set(course_ids)), created_by=user, idempotency_key=idempotency_key
        )
        transaction.on_commit(lambda: tasks.tag_courses_task.delay(job.pk))
    return job, True


def course_changed(*, course: Course) -> None:
    """Tag a published or edited course with the active model, after the write commits."""
    if course.status != Course.Status.PUBLISHED:
        return
    version = ModelVersion.objects.filter(is_active=True).first()
    if version is not None:
        tagging_job_create(version=version, course_ids=[course.pk], user=None)


def tagging_job_run(*, job_id: int) -> TaggingJob | None:
    """Tag the job's courses (every published one when it names none) in batches."""
    from .inference import tagger_for

    job = _claim(TaggingJob, job_id)
    if job is None:
        return None
    beat = _Beat(job)
    try:
        courses = Course.objects.published().order_by("pk")
        if job.course_ids:
            courses = Course.objects.filter(pk__in=job.course_ids).order_by("pk")
        ids = list(courses.values_list("pk", flat=True))
        tagger = tagger_for(job.model_version)
        lexicon = Lexicon(lexicon_terms())  # the model judges its terms, they give the edges
        for begin in range(0, len(ids), TAGGING_BATCH):
            if beat(begin / max(len(ids), 1)):
                _finish(job, JobStatus.CANCELLED)
                return job
            batch = list(Course.objects.filter(pk__in=ids[begin : begin + TAGGING_BATCH]))
            keys = [(course, language, text) for course in batch for language, text in course_texts(course).items()]
            found = tagger.tag([text for _, _, text in keys], lexicon)
            with transaction.atomic():
                CourseSkill.objects.filter(model_version=job.model_version, course__in=batch).delete()
                CourseSkill.objects.bulk_create(
                    CourseSkill(
                        course=course,
                        model_version=job.model_version,
                        language=language,
                        start=span.start,
                        end=span.end,
                        text=text[span.start : span.end][:200],
                        type=span.type,
                        confidence=round(span.confidence, 4),
                    )
                    for (course, language, text), spans in zip(keys, found, strict=True)
                    for span in spans
                )
            TaggingJob.objects.filter(pk=job.pk).update(tagged=begin + len(batch))
            catalogue_changed()  # course pages and lists show skill chips: retire their cached copies
        _finish(job, JobStatus.SUCCEEDED, progress=1.0, device=str(tagger.device))
    except Exception as error:
        logger.exception("Tagging job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    job.refresh_from_db()
    return job
