"""The instructors' digest of new questions: in each instructor's language, once per question, with
the one-click unsubscribe of its kind; sent by a real Celery worker through a real SMTP server process."""

import email
import os
import socket
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test import Client

from courses.models import Enrollment
from learning import qa_notify, qa_services
from learning.models import NotificationOptOut
from partners.digest import instructor_digests_send
from partners.models import DigestedQuestion
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory, assign_to_partner_courses
from tests.test_celery_worker import ROOT, wait_for


@pytest.fixture
def school(db):
    partner, other = PartnerFactory(), PartnerFactory()
    course = CourseFactory(partners=[partner], lessons=1, title_zh="水彩入门", title_en="Watercolour basics")
    learner = UserFactory(username="asker")
    Enrollment.objects.create(learner=learner, course=course)
    teacher_zh = UserFactory(username="teacher-zh", email="zh@example.com")
    teacher_en = UserFactory(username="teacher-en", email="en@example.com")
    outsider = UserFactory(username="other-school", email="other@example.com")
    assign_to_partner_courses(MembershipFactory(partner=partner, user=teacher_zh, role="instructor"))
    MembershipFactory(partner=partner, user=teacher_en, role="manager")
    MembershipFactory(partner=other, user=outsider, role="instructor")
    qa_notify.mail_language_remember(user=teacher_en, language="en")
    return {"lesson": course.lessons.get(), "learner": learner, "zh": teacher_zh, "en": teacher_en, "partner": partner}


def ask(school, text: str):
    return qa_services.question_ask(author=school["learner"], lesson=school["lesson"], text=text)


# ------------------------------------------------------------------------------ the rules (locmem mail)
@pytest.mark.django_db
def test_each_instructor_gets_the_new_questions_once_in_their_language(school):
    ask(school, "水要多湿？")
    ask(school, "Which brush?")

    assert instructor_digests_send(base_url="https://courses.example/") == 2
    assert instructor_digests_send(base_url="https://courses.example/") == 0  # a second run: nothing new

    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"zh@example.com", "en@example.com"}  # not the other school's instructor
    assert by_to["zh@example.com"].subject == "你的课程中有 2 个新提问"
    assert by_to["en@example.com"].subject == "2 new questions in your courses"
    assert "水要多湿？" in by_to["en@example.com"].body and "Which brush?" in by_to["zh@example.com"].body
    assert "https://courses.example/partner/questions/" in by_to["en@example.com"].body


@pytest.mark.django_db
def test_an_instructor_not_assigned_to_the_course_gets_none_of_its_questions(school):
    CourseFactory(partners=[school["partner"]], lessons=1)  # assigned to no one: teacher-zh teaches the first only
    idle = UserFactory(username="unassigned", email="idle@example.com")
    MembershipFactory(partner=school["partner"], user=idle, role="instructor")
    ask(school, "Which paper?")

    instructor_digests_send(base_url="https://courses.example/")

    assert "idle@example.com" not in {m.to[0] for m in mail.outbox}


@pytest.mark.django_db
def test_answered_hidden_own_and_old_questions_stay_out(school, settings):
    answered = ask(school, "Answered already")
    qa_services.answer_post(author=school["zh"], question=answered, text="Yes.")
    hidden = ask(school, "Spam")
    qa_services.post_hide(moderator=school["en"], post=hidden, reason="spam")
    settings.INSTRUCTOR_DIGEST_LOOKBACK_DAYS = 0  # every question is older than the window now
    ask(school, "Too old")

    assert instructor_digests_send() == 0
    assert not DigestedQuestion.objects.exists()


@pytest.mark.django_db
def test_a_failed_mail_leaves_its_questions_for_the_next_run(school, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    ask(school, "Anyone?")

    with pytest.raises(OSError):
        instructor_digests_send()

    assert not DigestedQuestion.objects.exists()


def test_beat_sends_the_digest_periodically():
    from platform_site.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["instructor-question-digest"]
    assert entry["task"] in app.tasks and entry["schedule"] == float(django_settings.INSTRUCTOR_DIGEST_SECONDS)


# ------------------------------------------------------------------------------ a real worker and SMTP server
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(tmp_path: Path):
    port, folder = free_port(), tmp_path / "mailbox"
    server = subprocess.Popen([sys.executable, "-m", "tests.smtp_sink", str(port), str(folder)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout is not None and server.stdout.readline().strip() == "listening"
    yield port, folder
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def mail_worker(tmp_path: Path, smtp_server):
    port, _folder = smtp_server
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.test",
        "DATABASE_URL": f"postgres://{user}{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "TEST_EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": "https://courses.example",
    }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_site", "worker", "-Q", "default", "--pool", "solo",
         "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert wait_for(lambda: " ready." in log.read_text() or worker.poll() is not None, timeout=60)
    assert worker.poll() is None, log.read_text()
    yield worker
    worker.terminate()
    worker.wait(timeout=20)


def received(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_digest_through_smtp_once_per_question(school, smtp_server, mail_worker):
    from partners.tasks import instructor_digest_task

    _port, folder = smtp_server
    ask(school, "水要多湿？")

    instructor_digest_task.delay()
    assert wait_for(lambda: len(list(folder.glob("*.eml"))) == 2, timeout=60)
    instructor_digest_task.delay()  # nothing new: sends nothing
    third = ask(school, "Which paper?")
    instructor_digest_task.delay()
    assert wait_for(lambda: DigestedQuestion.objects.count() == 4 and len(list(folder.glob("*.eml"))) == 4)

    first, later = received(folder)[:2], received(folder)[2:]
    subjects = {m["To"]: m["Subject"] for m in first}
    assert subjects == {"zh@example.com": "你的课程中有 1 个新提问", "en@example.com": "1 new question in your courses"}
    for message in later:  # the second digest holds the new question only
        body = message.get_body().get_content()
        assert third.text in body and "水要多湿？" not in body
        assert f"https://courses.example{third.get_absolute_url()}" in body
    unsubscribe = next(m for m in later if m["To"] == "en@example.com")["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://courses.example/unsubscribe/")

    # The one-click link (what a mail client POSTs) stops this kind for this instructor only.
    assert Client(enforce_csrf_checks=True).post(unsubscribe.removeprefix("https://courses.example")).status_code == 200
    assert NotificationOptOut.objects.filter(user=school["en"], kind="qa_digest").exists()
    ask(school, "One more")
    instructor_digest_task.delay()
    assert wait_for(lambda: len(list(folder.glob("*.eml"))) == 5)
    assert received(folder)[-1]["To"] == "zh@example.com"
    assert mail_worker.poll() is None
