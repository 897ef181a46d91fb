"""Run a training job: gather its data, fine-tune, save the model version. Reached only from the
ml tasks and the `ml_train` command; the web process only creates the job row."""

import gc
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.services import Heartbeat, JobCancelled, job_finish, job_run
from ml import corpus, selectors, services
from ml.datasets import recounted_priors
from ml.decoding import calibrate
from ml.files import cache_dir
from ml.inference import Tagger
from ml.models import JobStatus, TrainingJob
from ml.spans import Example
from ml.training_config import train_config_kwargs
from platform_site.exceptions import ApplicationError

from .train import EpochReport, TrainConfig, TrainingCancelled, train

# The share of a job's examples held out to score each epoch (and pick the best one).
DEV_SHARE = 0.2


# What the command line watches: each step's progress, each epoch's row of dev metrics.
OnProgress = Callable[[float], None]
OnEpoch = Callable[[dict[str, Any]], None]


def training_job_run(
    *, job_id: int, files: Iterable[Path] = (), on_progress: OnProgress | None = None, on_epoch: OnEpoch | None = None
) -> TrainingJob | None:
    """Run a queued training job to a terminal state: succeeded, failed or cancelled. `files`: more
    training files on this machine (the command line's); `on_progress` sees each step's progress,
    `on_epoch` each epoch's row of the job's metrics (epoch, loss, dev scores)."""

    def work(job: TrainingJob, beat: Heartbeat) -> None:
        workdir = Path(tempfile.mkdtemp(prefix=f"train-{job.pk}-", dir=cache_dir()))
        try:
            _train(job, beat, workdir, files, on_progress, on_epoch)
        except TrainingCancelled:
            raise JobCancelled from None
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            _free_accelerator_memory()

    return job_run(model=TrainingJob, job_id=job_id, work=work)


def _free_accelerator_memory() -> None:
    """Hand a finished fine-tune's cached GPU memory back: the worker process lives on, and the
    tagger it loads next (or another process on the GPU) needs it."""
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _train(
    job: TrainingJob,
    beat: Heartbeat,
    workdir: Path,
    files: Iterable[Path],
    on_progress: OnProgress | None,
    on_epoch: OnEpoch | None,
) -> None:
    """Fine-tune on the job's data and save the model version; raise TrainingCancelled to stop."""
    params = job.params
    examples, summary = selectors.training_examples(
        sources=params["sources"], files=files, corpora=params.get("corpora", [])
    )
    config = TrainConfig(**train_config_kwargs(params))
    train_set, dev_set = corpus.split(examples, dev_share=DEV_SHARE, seed=config.seed)
    if not train_set or not dev_set:
        raise ApplicationError(
            _("Too little training data: %(train)s training and %(dev)s dev examples.")
            % {"train": len(train_set), "dev": len(dev_set)},
            code="no_data",
        )
    summary.update(train=len(train_set), dev=len(dev_set))
    TrainingJob.objects.filter(pk=job.pk).update(dataset=summary)
    history: list[dict[str, object]] = []

    def epoch_done(report: EpochReport) -> None:
        history.append({"epoch": report.epoch, "loss": round(report.loss, 4), **report.metrics})
        beat(report.progress, epoch=report.epoch, metrics=history)
        if on_epoch:
            on_epoch(history[-1])

    def on_step(progress: float) -> None:
        beat(progress)
        if on_progress:
            on_progress(progress)

    result = train(
        train_set, dev_set, config, workdir, on_epoch=epoch_done, on_step=on_step, should_stop=lambda: beat.stopped
    )
    if beat(force=True):  # cancelled during the last evaluation, or lost: no version
        raise TrainingCancelled
    decoding = decoding_calibrate(result.model_dir, train_set, dev_set)
    if beat(force=True):
        raise TrainingCancelled
    version = services.model_version_save(
        name=f"v{timezone.now():%Y%m%d-%H%M%S}-{job.pk}",
        base_model=config.base_model,
        model_dir=result.model_dir,
        metrics={
            **result.metrics,
            "best_epoch": result.best_epoch,
            "epochs_run": result.epochs_run,
            # Early stopping on the dev split: the recipe and where it stopped, kept with the version.
            "stopped_early": result.epochs_run < config.epochs,
            "recipe": {
                **train_config_kwargs(params),
                "art_weight": config.art_weight,
                "dev_share": DEV_SHARE,
                "seed": config.seed,
            },
            "examples": {"train": len(train_set), "dev": len(dev_set)},
            "samples_per_second": result.samples_per_second,
            "peak_memory_mb": result.peak_memory_mb,
            "history": history,  # the dev scores of every epoch, as `ml_train` printed them
            "decoding": decoding,
        },
    )
    # One transaction: a job seen succeeded has its version active already (when it asked for that).
    with transaction.atomic():
        finished = job_finish(
            job=job, status=JobStatus.SUCCEEDED, progress=1.0, device=result.device, model_version=version
        )
        if finished and params.get("activate"):
            services.model_version_activate(version=version)


def decoding_calibrate(model_dir: Path, train_set: Sequence[Example], dev_set: Sequence[Example]) -> dict[str, object]:
    """How this checkpoint decodes with the lexicon in use now: the decoding that scores the best
    skill F1 on the job's dev split (`ml.decoding.calibrate`), judged with the lexicon's priors
    counted on the training split (as a text the version tags later: its priors never counted
    it), and that F1. The version's tagger decodes with it."""
    texts = [example.text for example in dev_set]
    lexicon = selectors.lexicon()
    decoding, f1 = calibrate(
        texts, Tagger(model_dir).scores(texts), [example.spans for example in dev_set], lexicon,
        recounted_priors(lexicon.priors, train_set),
    )  # fmt: skip
    return {**decoding.as_json(), "dev_f1": round(f1, 4)}
