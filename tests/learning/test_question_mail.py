"""An answer e-mails the asker and the followers once, through the queue, with a one-click unsubscribe."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from learning import qa_notify, qa_services
from learning.models import Answer, NotificationOptOut

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(world):
    question = qa_services.question_ask(author=world["learner_a"], lesson=world["lesson"], text="How wet?")
    qa_services.question_follow(user=world["learner_b"], question=question)
    return question


def test_an_answer_is_queued_after_commit_with_its_id(world, thread, django_capture_on_commit_callbacks):
    with mock.patch("learning.tasks.answer_notify_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            answer = qa_services.answer_post(
                author=world["instructor"], question=thread, text="Damp.", base_url="https://x/"
            )
        delay.assert_not_called()  # nothing is queued before the answer is committed
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(answer.pk, "https://x/")


def test_the_asker_and_followers_get_one_mail_each_but_not_the_author(world, thread):
    answer = qa_services.answer_post(author=world["learner_b"], question=thread, text="Damp, not dripping.")

    assert qa_notify.answer_notify(answer_id=answer.pk, base_url="https://courses.example/") == 1
    assert qa_notify.answer_notify(answer_id=answer.pk, base_url="https://courses.example/") == 0  # a retry
    assert [m.to for m in mail.outbox] == [[world["learner_a"].email]]
    message = mail.outbox[0]
    assert "提问有了新回答" in message.subject  # the default language (Chinese): the user model stores none
    assert "Damp, not dripping." in message.body
    assert "https://courses.example/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe"] in f"<{message.body.split()[-1]}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Answer.objects.get().notified_at is not None


def test_the_one_click_link_stops_only_its_kind(client, world, thread):
    token = qa_notify.unsubscribe_token(user_id=world["learner_b"].pk, kind=NotificationOptOut.Kind.FOLLOWED_THREAD)

    assert client.get(reverse("learning:unsubscribe", args=[token])).status_code == 200
    assert not NotificationOptOut.objects.exists()  # a GET (a mail scanner) changes nothing
    assert client.post(reverse("learning:unsubscribe", args=[token])).status_code == 200
    answer = qa_services.answer_post(author=world["instructor"], question=thread, text="Damp.")
    qa_notify.answer_notify(answer_id=answer.pk)

    assert [m.to for m in mail.outbox] == [[world["learner_a"].email]]


def test_a_mail_clients_one_click_post_needs_no_csrf_token(world):
    from django.test import Client

    token = qa_notify.unsubscribe_token(user_id=world["learner_a"].pk, kind="qa_answer")

    response = Client(enforce_csrf_checks=True).post(reverse("learning:unsubscribe", args=[token]))

    assert response.status_code == 200
    assert NotificationOptOut.objects.filter(user=world["learner_a"], kind="qa_answer").exists()


def test_a_forged_unsubscribe_link_is_refused(client, world):
    token = qa_notify.unsubscribe_token(user_id=world["learner_b"].pk, kind="qa_answer")[:-2] + "xx"

    assert client.post(reverse("learning:unsubscribe", args=[token])).status_code == 400
    assert not NotificationOptOut.objects.exists()
