"""Writes of the ml domain: training data and corpora, jobs (created here, run by
`ml.training.run` and `ml.tagging`), model versions, skills and their reviews.

No torch here, nor anything that imports it: the web process imports this module.
"""

import csv
import hashlib
import logging
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.cache import catalogue_changed
from courses.models import Course
from jobs.services import job_create
from platform_site.exceptions import ApplicationError

from . import datasets, selectors
from .files import cache_dir, local_copy
from .models import CourseEmbedding, CourseSkill, ModelVersion, SkillTerm, TaggingJob, TrainingCorpus, TrainingJob
from .spans import LABELS, Example, Span
from .training_config import validated

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ corpora
# Imported corpora: the readers' formats, and a size that a web request may carry.
CORPUS_SUFFIXES = (".csv", ".jsonl")
CORPUS_MAX_BYTES = 50 * 2**20


def corpus_check(*, name: str, upload: "UploadedFile[bytes]") -> list[Example]:
    """Read an uploaded corpus whole and return its examples: a file that a training job could not
    read is refused here, with the reason (and line) on the field."""
    upload_name = upload.name or ""
    suffix = Path(upload_name).suffix.lower()
    errors: dict[str, list[str]] = {}
    examples: list[Example] = []
    if TrainingCorpus.objects.filter(name=name).exists():
        errors["name"] = [_("A corpus of this name exists.")]
    if suffix not in CORPUS_SUFFIXES:
        errors["file"] = [_("Upload a .csv (course records) or .jsonl (text and spans) file.")]
    elif (upload.size or 0) > CORPUS_MAX_BYTES:
        errors["file"] = [_("The file is larger than %(mb)s MB.") % {"mb": CORPUS_MAX_BYTES // 2**20}]
    else:
        with local_copy(upload, suffix) as path:
            try:
                examples = datasets.read_file(path)
            except (ValueError, KeyError, TypeError, csv.Error) as error:  # bad JSON/span/row, no column, encoding
                detail = _("no column %(name)s") % {"name": error} if isinstance(error, KeyError) else str(error)
                # The reader names the temporary copy: name the uploaded file instead.
                detail = detail.replace(str(path), Path(upload_name).name)
                errors["file"] = [_("The file cannot be read: %(error)s") % {"error": detail}]
        if not examples and "file" not in errors:
            errors["file"] = [_("The file holds no training example (CSV rows need a knowledge or art domain).")]
    if errors:
        raise ApplicationError(_("Invalid corpus."), code="invalid", extra={"fields": errors})
    return examples


def corpus_import(*, name: str, upload: "UploadedFile[bytes]", user: "User | None") -> TrainingCorpus:
    """Check an uploaded corpus (`corpus_check`) and store it, with the lexicon terms it proposes
    (`lexicon_propose`: a manager reviews them); nothing is stored when it is refused."""
    suffix = Path(upload.name or "").suffix.lower()
    examples = corpus_check(name=name, upload=upload)
    upload.seek(0)
    with local_copy(upload, suffix) as path:
        proposals = datasets.term_proposals(path)
    upload.seek(0)
    imported = TrainingCorpus(
        name=name, examples=len(examples), spans=sum(len(e.spans) for e in examples), uploaded_by=user
    )
    imported.file.save(f"{slugify(name) or 'corpus'}{suffix}", upload, save=False)  # the name is free text
    try:
        with transaction.atomic():
            imported.save()
            lexicon_propose(proposals=proposals, corpus=imported, origin=name)  # kept if the corpus goes
    except IntegrityError:  # the same name, imported at the same moment
        imported.file.delete(save=False)
        raise ApplicationError(
            _("Invalid corpus."), code="invalid", extra={"fields": {"name": [_("A corpus of this name exists.")]}}
        ) from None
    return imported


# ------------------------------------------------------------------------------ the lexicon
@dataclass(frozen=True)
class LexiconChange:
    """What a file's proposals did to the lexicon: terms new to it (proposed, or in use when
    accepted), proposals now in use, and those left as they were (a name or alias it has already,
    in use or rejected by a manager)."""

    created: int
    accepted: int
    kept: int


# Rows per INSERT: a corpus proposes thousands of terms.
TERM_BATCH = 1000


@transaction.atomic
def lexicon_propose(
    *,
    proposals: Iterable[datasets.TermProposal],
    corpus: TrainingCorpus | None = None,
    origin: str = "",
    accept: bool = False,
) -> LexiconChange:
    """Add the terms a training file proposes to the lexicon, waiting for a manager's review (or
    in use at once with `accept`: the command line's `ml_train --data`). A name the lexicon has
    already, as a name or an alias and in any case, is left as it is, except that `accept` puts a
    proposed one in use and a term without counts takes the file's: a manager's terms and
    rejections stand."""
    by_name: dict[str, SkillTerm] = {}
    for term in SkillTerm.objects.all():
        for name in term.names():
            by_name.setdefault(name.lower(), term)
    status = SkillTerm.Status.ACTIVE if accept else SkillTerm.Status.PROPOSED
    new: dict[str, SkillTerm] = {}
    to_accept: set[int] = set()
    counted: dict[int, SkillTerm] = {}
    kept = 0
    for proposal in proposals:
        key = proposal.name.lower()
        if key in new:
            continue
        existing = by_name.get(key)
        if existing is None:
            new[key] = SkillTerm(
                name=proposal.name, type=proposal.type, status=status, corpus=corpus, origin=origin[:200],
                occurrences=proposal.occurrences, in_texts=proposal.in_texts, as_skill=proposal.as_skill,
            )  # fmt: skip
            continue
        if not existing.in_texts and proposal.in_texts and existing.name.lower() == key:
            # A term without counts (a manager's, or an older import's) gets this file's: how often
            # it is a skill where it occurs is a fact of the data, not a review decision.
            existing.in_texts, existing.as_skill = proposal.in_texts, proposal.as_skill
            counted[existing.pk] = existing
        if accept and existing.status == SkillTerm.Status.PROPOSED:
            to_accept.add(existing.pk)
        else:
            kept += 1
    # A name another import added since the read above is skipped, not an error.
    before = SkillTerm.objects.count()
    SkillTerm.objects.bulk_create(new.values(), batch_size=TERM_BATCH, ignore_conflicts=True)
    created = SkillTerm.objects.count() - before
    SkillTerm.objects.bulk_update(counted.values(), ["in_texts", "as_skill"], batch_size=TERM_BATCH)
    accepted = SkillTerm.objects.filter(pk__in=to_accept).update(status=SkillTerm.Status.ACTIVE)
    if accept:
        transaction.on_commit(catalogue_changed)  # the skill filter reads the lexicon's names
    return LexiconChange(created=created, accepted=accepted, kept=kept)


TERM_DECISIONS = (SkillTerm.Status.ACTIVE, SkillTerm.Status.REJECTED)


def lexicon_review(*, term_ids: Iterable[int], status: str) -> int:
    """Put terms in use or reject them (a manager's bulk review of proposals); return how many
    changed. The tagger uses them from the next tagging job on."""
    if status not in TERM_DECISIONS:
        raise ValueError(f"{status} is not a lexicon decision")
    changed = SkillTerm.objects.filter(pk__in=list(term_ids)).exclude(status=status).update(status=status)
    transaction.on_commit(catalogue_changed)
    return changed


# ------------------------------------------------------------------------------ training jobs
def training_job_create(
    *, user: "User | None", params: Mapping[str, object], idempotency_key: str = ""
) -> tuple[TrainingJob, bool]:
    """Queue a fine-tune; a retry with the same key returns the job it created."""
    from . import tasks

    return job_create(
        model=TrainingJob, send=tasks.train_model_task.delay, created_by=user, idempotency_key=idempotency_key,
        params=validated(params),
    )  # fmt: skip


# ------------------------------------------------------------------------------ versions and tagging
def model_version_save(*, name: str, base_model: str, model_dir: Path, metrics: dict[str, object]) -> ModelVersion:
    """Store a trained checkpoint folder (zipped, through Django's storage) as a new model version."""
    # An anonymous temporary file: closed and gone however this ends (no descriptor left open).
    with tempfile.TemporaryFile(suffix=".zip", dir=cache_dir()) as archive:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(model_dir.iterdir()):
                bundle.write(path, path.name)
        archive.seek(0)
        version = ModelVersion(name=name, base_model=base_model, labels=list(LABELS), metrics=metrics)
        version.artifact.save(f"{name}.zip", File(archive), save=False)
        version.save()
    return version


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


def courses_text_changed(*, course_ids: list[int]) -> TaggingJob | None:
    """Tag those of these courses that are published with the active model (their text changed,
    or they were just published); None when there is nothing to tag or no active model."""
    version = ModelVersion.objects.filter(is_active=True).first()
    published = Course.objects.filter(pk__in=course_ids, status=Course.Status.PUBLISHED).values_list("pk", flat=True)
    if version is None or not (ids := list(published)):
        return None
    job, _created = tagging_job_create(version=version, course_ids=ids, user=None)
    return job


@transaction.atomic
def course_skills_store(
    *, version: ModelVersion, courses: list[Course], texts: list[tuple[Course, str, str]], found: list[list[Span]]
) -> None:
    """Store what `version` found in these courses' texts ((course, language, text) each, `found`
    in the same order), replacing its unreviewed spans there. A manager's reviews (accepted,
    rejected, corrected) stay while the text under them is unchanged, and a new span where one
    was reviewed is not stored again; a review of text that was since edited away goes."""
    by_key = {(course.pk, language): text for course, language, text in texts}
    CourseSkill.objects.filter(model_version=version, course__in=courses, review=CourseSkill.Review.PENDING).delete()
    reviewed: dict[tuple[int, str], list[CourseSkill]] = defaultdict(list)
    stale: list[int] = []
    for skill in CourseSkill.objects.filter(model_version=version, course__in=courses):
        if not skill.matches(by_key.get((skill.course_id, skill.language))):
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
        for (course, language, text), spans in zip(texts, found, strict=True)
        for span in spans
        if not any(span.start < r.end and r.start < span.end for r in reviewed[(course.pk, language)])
    )


# ------------------------------------------------------------------------------ reviews
REVIEW_DECISIONS = (CourseSkill.Review.ACCEPTED, CourseSkill.Review.REJECTED)


def course_skills_review(*, skill_ids: Iterable[int], review: str) -> int:
    """Accept or reject predicted skills (reviewed ones become gold training data); return how many.
    Course pages show skill chips: their cached copies retire once this commits, so a rejected
    skill is gone from them at once."""
    if review not in REVIEW_DECISIONS:
        raise ValueError(f"{review} is not a review decision")
    changed = CourseSkill.objects.filter(pk__in=list(skill_ids)).update(review=review)
    transaction.on_commit(catalogue_changed)
    return changed


def course_skill_correct(*, skill: CourseSkill, start: int, end: int, type: str) -> CourseSkill:
    """Correct a predicted span (its offsets and type; the text follows the offsets): a correction
    is gold. Retires the cached course pages, like a review."""
    text = selectors.course_texts(skill.course).get(skill.language, "")
    if not 0 <= start < end <= len(text):
        raise ApplicationError(_("The span lies outside the course text."), code="invalid")
    skill.start, skill.end, skill.type = start, end, type
    skill.text = CourseSkill.excerpt(text, start, end)
    skill.review = CourseSkill.Review.CORRECTED
    skill.save(update_fields=["start", "end", "type", "text", "review"])
    transaction.on_commit(catalogue_changed)
    return skill


def course_embedding_text(course: Course) -> str:
    """The text a course's embedding reads: both languages, Chinese first."""
    return "\n".join(selectors.course_texts(course).values())


def course_text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def course_embeddings_store(*, model_name: str, rows: list[tuple[int, str, bytes, int]]) -> None:
    """Store (course id, text digest, float32 vector bytes, dimensions) rows of `model_name`,
    replacing that model's earlier vectors of those courses."""
    existing = {
        embedding.course_id: embedding
        for embedding in CourseEmbedding.objects.filter(model_name=model_name, course_id__in=[r[0] for r in rows])
    }
    new, changed = [], []
    for course_id, digest, vector, dimensions in rows:
        if (embedding := existing.get(course_id)) is None:
            new.append(
                CourseEmbedding(
                    course_id=course_id, model_name=model_name, text_digest=digest, vector=vector, dimensions=dimensions
                )
            )
        else:
            embedding.text_digest, embedding.vector, embedding.dimensions = digest, vector, dimensions
            changed.append(embedding)
    # ignore_conflicts: a racing worker that stored the same course first wins; both computed the same text.
    CourseEmbedding.objects.bulk_create(new, ignore_conflicts=True)
    CourseEmbedding.objects.bulk_update(changed, ["text_digest", "vector", "dimensions", "updated_at"])
    transaction.on_commit(catalogue_changed)  # neighbour lists read the vectors: retire the cached index


def course_embeddings_refresh(*, course_ids: list[int] | None = None) -> None:
    """Queue the embedding of these courses (every published one with None) after commit."""
    from platform_site.queueing import enqueue_on_commit

    from .tasks import embed_courses_task

    # Without a job row: embed_courses_task(None) embeds whatever is stale, so a lost message is
    # caught up by the next full run.
    enqueue_on_commit(embed_courses_task, course_ids)
