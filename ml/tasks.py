"""Celery tasks of the ml domain. Routed to the `gpu` queue; they take ids, and the job rows carry
their state (the reaper that looks after them is `jobs.tasks.jobs_reap_task`). The runs import
torch inside the task, so that the web process can import this module to send tasks."""

from celery import shared_task


@shared_task
def train_model_task(job_id: int) -> str | None:
    from .training.run import training_job_run

    job = training_job_run(job_id=job_id)
    return job.status if job else None


@shared_task
def tag_courses_task(job_id: int) -> str | None:
    from .tagging import tagging_job_run

    job = tagging_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(soft_time_limit=3600, time_limit=3700)
def embed_courses_task(course_ids: list[int] | None = None) -> int:
    """Embed these published courses (every one with None) whose text changed; return how many."""
    from .embedding import course_embeddings_compute

    return course_embeddings_compute(course_ids=course_ids)


# Limits: CELERY_TASK_ANNOTATIONS, beside the tagger's fine-tune (the broker's visibility timeout covers them).
@shared_task
def finetune_embedder_task(data_path: str, name: str, epochs: int = 1, split: str = "train") -> str:
    """Fine-tune the sentence encoder on skill pairs of the CSV at `data_path` (on the worker) and
    save it as ML_CACHE_DIR/embedders/`name`; return that path, for ML_EMBEDDING_MODEL.

    Idempotent: a message redelivered after the encoder was saved finds it and returns its path
    (the directory is renamed into place only once complete); one redelivered after a worker died
    mid-run trains again from the start."""
    from pathlib import Path

    from .training.contrastive import ContrastiveConfig, embedder_dir, embedder_finetune

    out_dir = embedder_dir(name)
    if not (out_dir / "config.json").exists():
        embedder_finetune(data=Path(data_path), out_dir=out_dir, split=split, config=ContrastiveConfig(epochs=epochs))
    return str(out_dir)
