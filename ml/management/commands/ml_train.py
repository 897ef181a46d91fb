from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ml import services
from ml.datasets import read_records, records_csv, split_by_id, term_proposals
from ml.models import JobStatus
from ml.training_config import LIMITS, SOURCES
from platform_site.exceptions import ApplicationError

# The per-epoch table: column titles and widths, and how each row of a job's metrics fills them.
COLUMNS = (
    ("epoch", 5), ("loss", 7), ("dev P", 6), ("dev R", 6), ("dev F1", 6), ("KNOW F1", 7), ("ART F1", 6),
    ("track", 6),
)  # fmt: skip


def _row(cells: list[str]) -> str:
    return "  ".join(cell.rjust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True))


def epoch_line(row: dict[str, Any]) -> str:
    per_type = row.get("per_type", {})
    return _row([
        str(row["epoch"]), f"{row['loss']:.4f}", f"{row['precision']:.3f}", f"{row['recall']:.3f}",
        f"{row['f1']:.3f}", f"{per_type.get('KNOWLEDGE', {}).get('f1', 0):.3f}",
        f"{per_type.get('ART', {}).get('f1', 0):.3f}", f"{row.get('track_accuracy', 0):.3f}",
    ])  # fmt: skip


class Command(BaseCommand):
    help = (
        "Fine-tune the skill tagger here and now (the same job a GPU worker runs) and print its dev scores per "
        "epoch and the new version's. The skills of each --data file (a CSV's, typed by the track they appear "
        "under most; a JSONL file's gold spans) go into the managers' lexicon, which the tagger judges."
    )

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
        parser.add_argument(
            "--lexicon",
            choices=["accept", "propose", "off"],
            default="accept",
            help="the terms the --data files propose (of the rows trained on): put them in use (default), leave "
            "them for a manager's review in the admin, or leave the lexicon as it is. Terms the lexicon has "
            "already, and ones a manager rejected, stay as they are.",
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
        params = {
            **{name: options[name] for name in LIMITS},
            "base_model": options["base_model"] or None,
            "sources": sources,
            "activate": options["activate"],
        }
        with ExitStack() as scratch:  # the training parts written for this run, removed when it ends
            files = [self._prepare(path, options["split"], scratch) for path in options["data"]]
            try:
                job, _ = services.training_job_create(user=None, params=params)
            except ApplicationError as error:
                raise CommandError(f"{error.message} {error.extra}") from error
            if options["lexicon"] != "off":
                for original, path in zip(options["data"], files, strict=True):
                    self._feed_lexicon(original, path, accept=options["lexicon"] == "accept")
            bar = tqdm(total=100, desc="training", unit="%")

            def on_epoch(row: dict[str, Any]) -> None:
                bar.clear()
                if row["epoch"] == 1:
                    self.stdout.write(_row([title for title, _ in COLUMNS]))
                self.stdout.write(epoch_line(row))
                bar.refresh()

            ran = training_job_run(
                job_id=job.pk, files=files, on_progress=lambda p: bar.update(round(100 * p) - bar.n), on_epoch=on_epoch
            )
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
        self._scores(version.metrics)

    def _scores(self, metrics: dict[str, Any]) -> None:
        """The version's dev scores (its best epoch's), where training stopped and how fast it ran."""
        stopped = "stopped early" if metrics.get("stopped_early") else "all epochs run"
        self.stdout.write(f"version scores (dev, epoch {metrics['best_epoch']} of {metrics['epochs_run']}, {stopped}):")
        for kind, values in [("overall", metrics), *metrics.get("per_type", {}).items()]:
            self.stdout.write(
                f"  {kind:10} P {values['precision']:.3f}  R {values['recall']:.3f}  F1 {values['f1']:.3f}"
            )
        self.stdout.write(f"  track accuracy {metrics.get('track_accuracy', 0):.3f}")
        if decoding := metrics.get("decoding"):
            judge = "a term judge" if decoding.get("judge") else "the model's belief and the prior"
            own = "kept" if decoding.get("own_spans", True) else "left out"
            types = "the lexicon's" if decoding.get("lexicon_types") else "the model's"
            self.stdout.write(
                f"  decoding with the lexicon: {judge}, term threshold {decoding['term_threshold']}, the model's "
                f"own spans {own}, {types} types; dev skill F1 {decoding['dev_f1']:.3f}"
            )
        self.stdout.write(
            f"  {metrics.get('samples_per_second')} samples/s, peak memory {metrics.get('peak_memory_mb')} MB"
        )

    def _feed_lexicon(self, original: Path, path: Path, *, accept: bool) -> None:
        change = services.lexicon_propose(proposals=term_proposals(path), origin=original.name, accept=accept)
        state = "in use" if accept else "proposed for review"
        self.stdout.write(
            f"lexicon from {original.name}: {change.created} new terms {state}, {change.accepted} proposals "
            f"accepted, {change.kept} already there (or rejected)"
        )

    def _prepare(self, path: Path, split: str, scratch: ExitStack) -> Path:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if split == "all" or path.suffix == ".jsonl":
            return path
        train, _dev = split_by_id(read_records(path))
        return scratch.enter_context(records_csv(train, path.stem + "-train"))
