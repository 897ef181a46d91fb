from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ml import services
from ml.models import JobStatus, TrainingJob
from ml.training_config import LIMITS, SOURCES
from platform_site.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Fine-tune the skill tagger here and now (the same job a GPU worker runs) and print its scores."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            action="append",
            default=[],
            type=Path,
            help="CSV in the shared shape (silver spans) or JSONL with spans (gold)",
        )
        parser.add_argument(
            "--sources",
            default="",
            help="comma-separated: corpus, lexicon, reviewed (default: all, or none when --data is given)",
        )
        parser.add_argument(
            "--split",
            choices=["all", "train"],
            default="all",
            help="train on all rows of each CSV, or on the 80%% outside the dev split by id",
        )
        # Checked by the service, like the API's and the admin's (ml/training_config.py).
        for name, limit in LIMITS.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}", type=limit.kind, default=limit.default,
                help=f"{limit.low:g} to {limit.high:g} (default {limit.default:g})",
            )  # fmt: skip
        parser.add_argument("--base-model", default="")
        parser.add_argument("--activate", action="store_true", help="make the new version the active one")

    def handle(self, *args, **options):
        from ml.training.run import training_job_run

        sources = [s for s in options["sources"].split(",") if s] or ([] if options["data"] else list(SOURCES))
        files = [self._prepare(path, options["split"]) for path in options["data"]]
        params = {
            "epochs": options["epochs"],
            "learning_rate": options["learning_rate"],
            "batch_size": options["batch_size"],
            "max_length": options["max_length"],
            "base_model": options["base_model"] or None,
            "sources": sources,
            "activate": options["activate"],
        }
        try:
            job, _ = services.training_job_create(user=None, params=params)
        except ApplicationError as error:
            raise CommandError(f"{error.message} {error.extra}") from error
        bar = tqdm(total=100, desc="training", unit="%")
        ran = training_job_run(job_id=job.pk, files=files, on_progress=lambda p: bar.update(round(100 * p) - bar.n))
        bar.close()
        if ran is None:  # a worker claimed the new job first
            raise CommandError(f"training job {job.pk} was run elsewhere")
        job = ran
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"training {job.status}: {job.error}")
        version = job.model_version
        assert version is not None  # a succeeded training job has its model version
        self.stdout.write(
            self.style.SUCCESS(f"model version {version.name}{' (active)' if options['activate'] else ''}")
        )
        self.stdout.write(f"dataset: {job.dataset}")
        for row in TrainingJob.objects.get(pk=job.pk).metrics:
            self.stdout.write(
                f"  epoch {row['epoch']}: loss {row['loss']} dev P {row['precision']} R {row['recall']} F1 {row['f1']}"
            )
        self.stdout.write(f"best: {version.metrics}")

    def _prepare(self, path: Path, split: str) -> Path:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if split == "all" or path.suffix == ".jsonl":
            return path
        from ml.datasets import read_records, records_to_csv, split_by_id

        train, _dev = split_by_id(read_records(path))
        return records_to_csv(train, path.stem + "-train")
