"""A real Celery worker process on Redis, working on the test database."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection

from courses import services
from courses.models import Order
from courses.payments.sandbox import SandboxProvider
from tests.factories import CourseFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def celery_worker(tmp_path: Path, settings) -> Iterator[subprocess.Popen]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    settings.ML_CACHE_DIR = tmp_path / "test-ml-cache"
    broker = os.environ["REDIS_URL"]
    redis.Redis.from_url(broker).flushdb()  # no messages left over from an earlier run
    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.test",
        "DATABASE_URL": f"postgres://{user}{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        # Model artifacts go through the storage API: worker and test share one media folder.
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PROTECTED_MEDIA_ROOT": str(tmp_path / "protected"),
        "ML_CACHE_DIR": str(tmp_path / "ml-cache"),
    }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_site", "worker", "-Q", "default,gpu,media",
         "--pool", "solo", "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert wait_for(lambda: " ready." in log.read_text() or worker.poll() is not None, timeout=60)
    assert worker.poll() is None, log.read_text()
    yield worker
    worker.terminate()
    worker.wait(timeout=20)


def wait_for(predicate, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_paid_order_receipt_is_sent_by_a_real_worker(celery_worker):
    if connection.vendor == "sqlite":
        pytest.skip("the worker process needs a database file it can open (PostgreSQL in CI)")
    order = services.order_checkout(learner=UserFactory(), course=CourseFactory())[0]

    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))

    assert celery_worker.poll() is None, "worker died"
    assert wait_for(lambda: Order.objects.get(pk=order.pk).receipt_sent_at is not None)


def test_fine_tune_and_tagging_run_on_a_real_gpu_queue_worker(celery_worker, settings, tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("the worker process needs a database file it can open (PostgreSQL in CI)")
    from ml import services as ml_services
    from ml.models import CourseSkill, JobStatus, TaggingJob, TrainingJob

    course = CourseFactory(title_zh="水彩与素描入门", description_zh="本课程带你掌握水彩与素描。")
    params = {"epochs": 2, "learning_rate": 1e-4, "max_length": 64, "sources": ["corpus"], "activate": True}

    job, _ = ml_services.training_job_create(user=None, params=params)

    assert wait_for(lambda: TrainingJob.objects.get(pk=job.pk).is_finished, timeout=240)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.model_version.is_active and job.heartbeat_at and job.device == "cpu"
    assert wait_for(lambda: TaggingJob.objects.filter(status=JobStatus.SUCCEEDED).exists(), timeout=120)
    assert CourseSkill.objects.filter(course=course, model_version=job.model_version).exists()


def test_an_answer_is_mailed_by_a_real_worker(celery_worker):
    from courses.models import Enrollment
    from learning import qa_services
    from learning.models import Answer

    if connection.vendor == "sqlite":
        pytest.skip("the worker process needs a database file it can open (PostgreSQL in CI)")
    course = CourseFactory(lessons=1)
    asker, other = UserFactory(), UserFactory()
    for learner in (asker, other):
        Enrollment.objects.create(learner=learner, course=course)
    question = qa_services.question_ask(author=asker, lesson=course.lessons.get(), text="Why?")

    answer = qa_services.answer_post(author=other, question=question, text="Because.", base_url="http://x/")

    assert celery_worker.poll() is None, "worker died"
    assert wait_for(lambda: Answer.objects.get(pk=answer.pk).notified_at is not None)
