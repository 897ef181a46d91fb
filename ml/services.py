"""Writes of the ml domain: jobs (create, run, cancel, reap), model versions, tagging.

Running a job imports torch; the functions that do (`training_job_run`, `tagging_job_run`) are
called only by Celery tasks and management commands.
"""

import csv
import logging
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.cache import catalogue_changed
from courses.models import Course
from jobs.services import Heartbeat, JobCancelled, job_create, job_finish, job_run
from platform_site.exceptions import ApplicationError

from . import corpus, datasets
from .models import CourseSkill, JobStatus, ModelVersion, SkillTerm, TaggingJob, TrainingCorpus, TrainingJob
from .spans import LABELS, Example, Lexicon, Span
from .training_config import validated

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

TAGGING_BATCH = 64  # courses per transaction: a crash loses little, progress moves often


# ------------------------------------------------------------------------------ training data
def course_texts(course: Course) -> dict[str, str]:
    texts = {"zh": f"{course.title_zh}\n{course.description_zh}"}
    if course.title_en or course.description_en:
        texts["en"] = f"{course.title_en}\n{course.description_en}"
    return texts


def lexicon_terms() -> dict[str, str]:
    return {name: term.type for term in SkillTerm.objects.all() for name in term.names()}


def training_examples(
    *, sources: Iterable[str], files: Iterable[Path] = (), corpora: Iterable[int] = ()
) -> tuple[list[Example], dict[str, int]]:
    """Gather examples from the named sources, files and imported corpora (ids); return them and a
    count per source."""
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
    chosen = TrainingCorpus.objects.filter(pk__in=list(corpora))
    if missing := set(corpora) - {imported.pk for imported in chosen}:
        raise ApplicationError(_("Imported corpora %(ids)s no longer exist.") % {"ids": sorted(missing)}, code="gone")
    for imported in chosen:
        with imported.file.open("rb") as stream, _local_copy(stream, Path(imported.file.name).suffix) as path:
            found = datasets.read_file(path)
        summary[f"corpus {imported.name}"] = len(found)
        examples += found
    return examples, summary


# Imported corpora: the readers' formats, and a size that a web request may carry.
CORPUS_SUFFIXES = (".csv", ".jsonl")
CORPUS_MAX_BYTES = 50 * 2**20


@contextmanager
def _local_copy(stream: Any, suffix: str) -> Iterator[Path]:
    """A temporary file with the stream's bytes (the readers take paths; storage gives streams)."""
    descriptor, name = tempfile.mkstemp(suffix=suffix, dir=_cache_dir())
    try:
        with open(descriptor, "wb") as handle:
            for chunk in stream.chunks():  # uploads and storage files alike
                handle.write(chunk)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def corpus_check(*, name: str, upload: Any) -> list[Example]:
    """Read an uploaded corpus whole and return its examples: a file that a training job could not
    read is refused here, with the reason (and line) on the field."""
    suffix = Path(upload.name).suffix.lower()
    errors: dict[str, list[str]] = {}
    examples: list[Example] = []
    if TrainingCorpus.objects.filter(name=name).exists():
        errors["name"] = [_("A corpus of this name exists.")]
    if suffix not in CORPUS_SUFFIXES:
        errors["file"] = [_("Upload a .csv (course records) or .jsonl (text and spans) file.")]
    elif upload.size > CORPUS_MAX_BYTES:
        errors["file"] = [_("The file is larger than %(mb)s MB.") % {"mb": CORPUS_MAX_BYTES // 2**20}]
    else:
        with _local_copy(upload, suffix) as path:
            try:
                examples = datasets.read_file(path)
            except (ValueError, KeyError, TypeError, csv.Error) as error:  # bad JSON/span/row, no column, encoding
                detail = _("no column %(name)s") % {"name": error} if isinstance(error, KeyError) else str(error)
                # The reader names the temporary copy: name the uploaded file instead.
                detail = detail.replace(str(path), Path(upload.name).name)
                errors["file"] = [_("The file cannot be read: %(error)s") % {"error": detail}]
        if not examples and "file" not in errors:
            errors["file"] = [_("The file holds no training example (CSV rows need a knowledge or art domain).")]
    if errors:
        raise ApplicationError(_("Invalid corpus."), code="invalid", extra={"fields": errors})
    return examples


def corpus_import(*, name: str, upload: Any, user: "User | None") -> TrainingCorpus:
    """Check an uploaded corpus (`corpus_check`) and store it; nothing is stored when it is refused."""
    suffix = Path(upload.name).suffix.lower()
    examples = corpus_check(name=name, upload=upload)
    upload.seek(0)
    imported = TrainingCorpus(
        name=name, examples=len(examples), spans=sum(len(e.spans) for e in examples), uploaded_by=user
    )
    imported.file.save(f"{slugify(name) or 'corpus'}{suffix}", upload, save=False)  # the name is free text
    try:
        with transaction.atomic():
            imported.save()
    except IntegrityError:  # the same name, imported at the same moment
        imported.file.delete(save=False)
        raise ApplicationError(
            _("Invalid corpus."), code="invalid", extra={"fields": {"name": [_("A corpus of this name exists.")]}}
        ) from None
    return imported


def reviewed_examples() -> list[Example]:
    """Course texts whose every predicted span a manager reviewed, as gold: accepted and corrected
    spans are skills, the rest of the text (rejected spans included) is not.

    A text with a span still pending is left out, since training on it would teach that nothing is
    there; so is one whose reviewed spans no longer match the course text (edited since). Where
    several model versions were reviewed on one text, the latest complete review counts."""
    pending = CourseSkill.Review.PENDING
    reviewed_courses = CourseSkill.objects.exclude(review=pending).values("course_id")
    by_review: dict[tuple[int, str, int], list[CourseSkill]] = defaultdict(list)
    for skill in CourseSkill.objects.filter(course_id__in=reviewed_courses).order_by("model_version_id", "start"):
        by_review[(skill.course_id, skill.language, skill.model_version_id)].append(skill)
    courses = Course.objects.in_bulk({course_id for course_id, _, _ in by_review})
    latest: dict[tuple[int, str], Example] = {}
    for (course_id, language, _version), skills in by_review.items():  # by version: later ones replace
        text = course_texts(courses[course_id]).get(language)
        if any(s.review == pending or not s.matches(text) for s in skills):
            continue
        kept = [s for s in skills if s.review in (CourseSkill.Review.ACCEPTED, CourseSkill.Review.CORRECTED)]
        latest[(course_id, language)] = Example(text, tuple(Span(s.start, s.end, s.type) for s in _disjoint(kept)))
    return list(latest.values())


def _disjoint(skills: list[CourseSkill]) -> list[CourseSkill]:
    """Skills sorted by start, without any that overlaps one before it (a span is one label each)."""
    kept: list[CourseSkill] = []
    for skill in sorted(skills, key=lambda s: (s.start, -s.end)):
        if not kept or skill.start >= kept[-1].end:
            kept.append(skill)
    return kept


# ------------------------------------------------------------------------------ training jobs
def training_job_create(
    *, user: "User | None", params: dict[str, Any], idempotency_key: str = ""
) -> tuple[TrainingJob, bool]:
    """Queue a fine-tune; a retry with the same key returns the job it created."""
    from . import tasks

    return job_create(
        model=TrainingJob, send=tasks.train_model_task.delay, created_by=user, idempotency_key=idempotency_key,
        params=validated(params),
    )  # fmt: skip


def training_job_run(
    *, job_id: int, files: Iterable[Path] = (), on_progress: Callable[[float], None] | None = None
) -> TrainingJob | None:
    """Run a queued training job to a terminal state: succeeded, failed or cancelled."""
    from .training.train import TrainingCancelled

    def work(job: TrainingJob, beat: Heartbeat) -> None:
        workdir = Path(tempfile.mkdtemp(prefix=f"train-{job.pk}-", dir=_cache_dir()))
        try:
            _train(job, beat, workdir, files, on_progress)
        except TrainingCancelled:
            raise JobCancelled from None
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            _free_accelerator_memory()

    return job_run(model=TrainingJob, job_id=job_id, work=work)


def _free_accelerator_memory() -> None:
    """Hand a finished fine-tune's cached GPU memory back: the worker process lives on, and the
    tagger it loads next (or another process on the GPU) needs it."""
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _train(
    job: TrainingJob, beat: Heartbeat, workdir: Path, files: Iterable[Path], on_progress: Callable[[float], None] | None
) -> None:
    """Fine-tune on the job's data and save the model version; raise TrainingCancelled to stop."""
    from .training.train import TrainConfig, TrainingCancelled, train

    params = dict(job.params)
    examples, summary = training_examples(sources=params.pop("sources"), files=files, corpora=params.pop("corpora", []))
    activate = params.pop("activate", False)
    train_set, dev_set = corpus.split(examples, dev_share=0.2, seed=params.get("seed", 13))
    if not train_set or not dev_set:
        raise ApplicationError(
            _("Too little training data: %(train)s training and %(dev)s dev examples.")
            % {"train": len(train_set), "dev": len(dev_set)},
            code="no_data",
        )
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
        train_set, dev_set, config, workdir, on_epoch=on_epoch, on_step=on_step, should_stop=lambda: beat.stopped
    )
    if beat(force=True):  # cancelled during the last evaluation, or lost: no version
        raise TrainingCancelled
    version = _save_version(job, config.base_model, result)
    finished = job_finish(
        job=job, status=JobStatus.SUCCEEDED, progress=1.0, device=result.device, model_version=version
    )
    if finished and activate:
        model_version_activate(version=version)


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

    return job_create(
        model=TaggingJob, send=tasks.tag_courses_task.delay, created_by=user, idempotency_key=idempotency_key,
        model_version=version, course_ids=sorted(set(course_ids)),
    )  # fmt: skip


def course_changed(*, course: Course) -> None:
    """Tag a published or edited course with the active model, after the write commits."""
    if course.status != Course.Status.PUBLISHED:
        return
    version = ModelVersion.objects.filter(is_active=True).first()
    if version is not None:
        tagging_job_create(version=version, course_ids=[course.pk], user=None)


def tagging_job_run(*, job_id: int, on_progress: Callable[[float], None] | None = None) -> TaggingJob | None:
    """Tag the job's courses (every published one when it names none) in batches."""
    return job_run(model=TaggingJob, job_id=job_id, work=lambda job, beat: _tag(job, beat, on_progress))


def _tag(job: TaggingJob, beat: Heartbeat, on_progress: Callable[[float], None] | None) -> None:
    from .inference import tagger_for

    courses = Course.objects.published().order_by("pk")
    if job.course_ids:
        courses = Course.objects.filter(pk__in=job.course_ids).order_by("pk")
    ids = list(courses.values_list("pk", flat=True))
    lexicon = Lexicon(lexicon_terms())  # the model judges its terms, they give the edges
    tagger = None
    for begin in range(0, len(ids), TAGGING_BATCH):
        if beat(begin / len(ids)):
            raise JobCancelled
        tagger = tagger or tagger_for(job.model_version)  # loaded once there is something to tag
        batch = list(Course.objects.filter(pk__in=ids[begin : begin + TAGGING_BATCH]))
        keys = [(course, language, text) for course in batch for language, text in course_texts(course).items()]
        _store_spans(job.model_version, batch, keys, tagger.tag([text for _, _, text in keys], lexicon))
        TaggingJob.objects.filter(pk=job.pk).update(tagged=begin + len(batch))
        catalogue_changed()  # course pages and lists show skill chips: retire their cached copies
        if on_progress:
            on_progress((begin + len(batch)) / len(ids))
    job_finish(job=job, status=JobStatus.SUCCEEDED, progress=1.0, device=str(tagger.device) if tagger else "")


def _store_spans(
    version: ModelVersion, batch: list[Course], keys: list[tuple[Course, str, str]], found: list[list[Span]]
) -> None:
    """Replace the version's unreviewed spans of these courses. A manager's reviews (accepted,
    rejected, corrected) stay while the text under them is unchanged, and a new span where one
    was reviewed is not stored again; a review of text that was since edited away goes."""
    texts = {(course.pk, language): text for course, language, text in keys}
    with transaction.atomic():
        CourseSkill.objects.filter(model_version=version, course__in=batch, review=CourseSkill.Review.PENDING).delete()
        reviewed, stale = defaultdict(list), []
        for skill in CourseSkill.objects.filter(model_version=version, course__in=batch):
            if not skill.matches(texts.get((skill.course_id, skill.language))):
                stale.append(skill.pk)
            else:
                reviewed[(skill.course_id, skill.language)].append(skill)
        CourseSkill.objects.filter(pk__in=stale).delete()
        CourseSkill.objects.bulk_create(
            CourseSkill(
                course=course,
                model_version=version,
                language=language,
                start=span.start,
                end=span.end,
                text=CourseSkill.excerpt(text, span.start, span.end),
                type=span.type,
                confidence=round(span.confidence, 4),
            )
            for (course, language, text), spans in zip(keys, found, strict=True)
            for span in spans
            if not any(span.start < r.end and r.start < span.end for r in reviewed[(course.pk, language)])
        )
