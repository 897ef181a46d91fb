from django.core.management.base import BaseCommand

from courses import demo
from ml import corpus, services
from ml.datasets import TermProposal
from ml.models import ACTIVE_STATUSES, ModelVersion, TrainingJob

# A short fine-tune of the shipped MiniLM on the shipped corpus and lexicon: small enough for the
# demo's CPU worker to finish in about a minute, good enough to put skill chips on the catalogue.
DEMO_TRAINING = {
    "sources": ["corpus", "lexicon"],
    "epochs": 3,
    "learning_rate": 1e-4,
    "max_length": 128,
    "activate": True,
}


class Command(BaseCommand):
    help = "Queue one demo fine-tune of the skill tagger (activated when done), unless a model exists or is coming."

    def handle(self, *args, **options):
        if ModelVersion.objects.exists() or TrainingJob.objects.filter(status__in=ACTIVE_STATUSES).exists():
            self.stdout.write("The skill tagger has a model or one on the way: nothing queued.")
            return
        # The shipped corpus's skills and the demo catalogue's as the managers' lexicon: without
        # one, the demo's small model tags the catalogue with whatever it leans to (half a
        # sentence); with one it judges named skills and trains on the catalogue's texts too (the
        # "lexicon" source).
        named = {
            "KNOWLEDGE": [*corpus.KNOWLEDGE_SKILLS, *demo.SKILLS["KNOWLEDGE"]],
            "ART": [*corpus.ART_SKILLS, *demo.SKILLS["ART"]],
        }
        services.lexicon_propose(
            proposals=[TermProposal(name, kind, 0) for kind, names in named.items() for name in names],
            origin="demo",
            accept=True,
        )
        job, _created = services.training_job_create(user=None, params=DEMO_TRAINING)
        self.stdout.write(
            f"Queued training job {job.pk}: the worker fine-tunes the skill tagger (about a minute on a CPU), "
            "activates it and tags the catalogue."
        )
