"""E-mails of lesson questions: an answer to the asker and to the question's followers, each in
the recipient's language when the site knows it (the one they last chose while signed in),
with a signed one-click unsubscribe per kind. The instructors' digest is `partners.digest`."""

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from .models import Answer, MailLanguage, NotificationOptOut, QuestionFollow

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "learning.unsubscribe"
Kind = NotificationOptOut.Kind


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """Signed, not timed: an unsubscribe link from an old e-mail must still work."""
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(*, token: str) -> tuple["User", str]:
    """Opt the link's user out of the link's kind of e-mail (again: no change); return both."""
    from accounts.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user, kind = User.objects.get(pk=int(data["u"])), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist) as error:
        raise ApplicationError(_("This unsubscribe link is not valid."), code="bad_token") from error
    if kind not in Kind.values:
        raise ApplicationError(_("This unsubscribe link is not valid."), code="bad_token")
    try:
        with transaction.atomic():
            NotificationOptOut.objects.get_or_create(user=user, kind=kind)
    except IntegrityError:  # two clicks at once
        pass
    return user, kind


def mail_language_remember(*, user: "User", language: str) -> None:
    """Remember the language `user` reads the site in, for mails sent without a request: one query."""
    if language not in dict(settings.LANGUAGES) or not user.is_authenticated:
        return
    MailLanguage.objects.bulk_create(
        [MailLanguage(user=user, language=language)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["language", "updated_at"],
    )


def mail_languages(*, user_ids: "list[int]") -> dict[int, str]:
    """The remembered language of each of these users (those without one are left out): one query."""
    return dict(MailLanguage.objects.filter(user_id__in=user_ids).values_list("user_id", "language"))


def _language(user: "User", remembered: dict[int, str] | None = None) -> str:
    stored = getattr(user, "language", "") or (remembered or {}).get(user.pk, "")
    return stored if stored in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def answer_notify(*, answer_id: int, base_url: str = "") -> int:
    """Mail the asker and the followers of an answer's question (not its author, not those who
    opted out of that kind); once per answer. Return how many mails went out."""
    with transaction.atomic():
        answer = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("question__author", "question__lesson__course", "author")
            .filter(pk=answer_id, notified_at__isnull=True, hidden_at__isnull=True)
            .first()
        )
        if answer is None:
            return 0
        question = answer.question
        recipients: dict[int, tuple[User, str]] = {question.author_id: (question.author, Kind.ANSWER_TO_MY_QUESTION)}
        for follow in QuestionFollow.objects.filter(question=question).select_related("user"):
            recipients.setdefault(follow.user_id, (follow.user, Kind.FOLLOWED_THREAD))
        recipients.pop(answer.author_id, None)
        opted_out = set(NotificationOptOut.objects.filter(user_id__in=list(recipients)).values_list("user_id", "kind"))
        languages = mail_languages(user_ids=list(recipients))
        root = base_url.rstrip("/")
        sent = 0
        for user_id, (user, kind) in recipients.items():
            if (user_id, kind) in opted_out or not user.email or not user.is_active:
                continue
            with translation.override(_language(user, languages)):
                context = {
                    "answer": answer,
                    "question": question,
                    "lesson": question.lesson,
                    "kind": kind,
                    "link": root + question.get_absolute_url(),
                    "unsubscribe": root
                    + reverse("learning:unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)]),
                }
                subject = (
                    _("New answer to your question in %(lesson)s")
                    if kind == Kind.ANSWER_TO_MY_QUESTION
                    else _("New answer in a question you follow: %(lesson)s")
                ) % {"lesson": question.lesson.title}
                body = render_to_string("learning/email/answer.txt", context)
            # RFC 8058: mail clients show their own unsubscribe button, which POSTs to the link.
            headers = {"List-Unsubscribe": f"<{context['unsubscribe']}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}  # fmt: skip
            EmailMessage(subject=subject, body=body, to=[user.email], headers=headers).send()
            sent += 1
        Answer.objects.filter(pk=answer.pk).update(notified_at=timezone.now())
    logger.info("Answer %s: %s notifications sent", answer_id, sent)
    return sent
