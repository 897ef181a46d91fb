"""Run a tagging job: the active (or chosen) model version over course texts, in batches. Reached
only from the ml tasks and the `ml_tag` command; it loads the model (torch) through ml.inference."""

from collections.abc import Callable

from courses.cache import catalogue_changed
from courses.models import Course
from jobs.services import Heartbeat, JobCancelled, job_finish, job_run
from ml import selectors, services
from ml.inference import Tagger, tagger_for
from ml.models import JobStatus, TaggingJob

TAGGING_BATCH = 64  # courses per transaction: a crash loses little, progress moves often


def tagging_job_run(*, job_id: int, on_progress: Callable[[float], None] | None = None) -> TaggingJob | None:
    """Tag the job's courses (every published one when it names none) to a terminal state."""
    return job_run(model=TaggingJob, job_id=job_id, work=lambda job, beat: _tag(job, beat, on_progress))


def _tag(job: TaggingJob, beat: Heartbeat, on_progress: Callable[[float], None] | None) -> None:
    courses = Course.objects.published().order_by("pk")
    if job.course_ids:
        courses = Course.objects.filter(pk__in=job.course_ids).order_by("pk")
    ids = list(courses.values_list("pk", flat=True))
    lexicon = selectors.lexicon()  # the model judges its terms (with their priors), they give the edges
    tagger: Tagger | None = None
    for begin in range(0, len(ids), TAGGING_BATCH):
        if beat(begin / len(ids)):
            raise JobCancelled
        tagger = tagger or tagger_for(job.model_version)  # loaded once there is something to tag
        batch = list(Course.objects.filter(pk__in=ids[begin : begin + TAGGING_BATCH]))
        texts = [
            (course, language, text) for course in batch for language, text in selectors.course_texts(course).items()
        ]
        found = tagger.tag([text for _, _, text in texts], lexicon)
        services.course_skills_store(version=job.model_version, courses=batch, texts=texts, found=found)
        TaggingJob.objects.filter(pk=job.pk).update(tagged=begin + len(batch))
        catalogue_changed()  # course pages and lists show skill chips: retire their cached copies
        if on_progress:
            on_progress((begin + len(batch)) / len(ids))
    job_finish(job=job, status=JobStatus.SUCCEEDED, progress=1.0, device=str(tagger.device) if tagger else "")
