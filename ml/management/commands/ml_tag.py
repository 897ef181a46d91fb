from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from courses.models import Course
from ml import selectors, services
from ml.models import JobStatus


class Command(BaseCommand):
    help = "Tag courses with a model version (the active one by default), here and now."

    def add_arguments(self, parser):
        parser.add_argument("--model", default="", help="model version name (default: the active one)")
        parser.add_argument(
            "--course", action="append", default=[], help="course slug (default: every published course)"
        )

    def handle(self, *args, **options):
        from ml.tagging import tagging_job_run

        version = selectors.model_version(name=options["model"])
        if version is None:
            raise CommandError("No such model version (and none is active).")
        ids = list(Course.objects.filter(slug__in=options["course"]).values_list("pk", flat=True))
        if options["course"] and len(ids) != len(options["course"]):
            raise CommandError("Unknown course slug.")
        job, _ = services.tagging_job_create(version=version, course_ids=ids, user=None)
        with tqdm(total=100, desc="tagging", unit="%") as bar:
            ran = tagging_job_run(job_id=job.pk, on_progress=lambda p: bar.update(round(100 * p) - bar.n))
        if ran is None:  # a worker claimed the new job first
            raise CommandError(f"tagging job {job.pk} was run elsewhere")
        job = ran
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"tagging {job.status}: {job.error}")
        self.stdout.write(self.style.SUCCESS(f"tagged {job.tagged} courses with {version.name}"))
