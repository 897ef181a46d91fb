"""What the e-mails sent without a request need to know of a user: their language, what they
unsubscribed from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailLanguage(models.Model):
    """The language a signed-in user last chose for the site, remembered for the e-mails sent
    without a request (digests). The user model stores none; the language switch records it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+", verbose_name=_("user"))  # fmt: skip
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail language")
        verbose_name_plural = _("e-mail languages")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.language}"


class NotificationOptOut(models.Model):
    """A user's one-click unsubscribe from one kind of e-mail (a signed link in every such e-mail)."""

    class Kind(models.TextChoices):
        ANSWER_TO_MY_QUESTION = "qa_answer", _("Answers to my questions")
        FOLLOWED_THREAD = "qa_followed", _("Replies in questions I follow")
        INSTRUCTOR_DIGEST = "qa_digest", _("New questions in the courses I teach (digest)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("unsubscribed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="optout_one_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
