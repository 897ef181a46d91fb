"""Learning's models, one module per part; imported from here (`learning.models`)."""

from .mail import MailLanguage, NotificationOptOut
from .progress import Certificate, CertificateQuerySet, LessonProgress
from .voice import (
    Answer,
    Moderated,
    QaReport,
    Question,
    QuestionFollow,
    QuestionQuerySet,
    Report,
    ReportQuerySet,
    ReportReason,
    Review,
    ReviewHelpful,
    ReviewQuerySet,
    ReviewReply,
    ReviewReport,
)
from .work import (
    Assignment,
    Poster,
    Submission,
    SubmissionClip,
    SubmissionImage,
    SubmissionQuerySet,
    _artwork_path,  # named by migrations 0007, 0011
    _poster_path,  # named by migration 0008
    _protected_storage,  # named by migrations 0007, 0008, 0011
)

__all__ = [
    "Answer", "Assignment", "Certificate", "CertificateQuerySet", "LessonProgress", "MailLanguage", "Moderated",
    "NotificationOptOut", "Poster", "QaReport", "Question", "QuestionFollow", "QuestionQuerySet", "Report",
    "ReportQuerySet", "ReportReason", "Review", "ReviewHelpful", "ReviewQuerySet", "ReviewReply", "ReviewReport",
    "Submission", "SubmissionClip", "SubmissionImage", "SubmissionQuerySet", "_artwork_path", "_poster_path",
    "_protected_storage",
]  # fmt: skip
