"""The ground floor's models, one module per part; imported from here (`courses.models`)."""

from .catalogue import Course, CourseQuerySet, Currency, Lesson, Partner
from .lesson_media import (
    LessonAttachment,
    LessonMedia,
    LessonSubtitle,
    MediaJob,
    MediaRendition,
    _lesson_file_path,  # named by migrations 0006 and 0008
    _protected_storage,  # named by migrations 0006 and 0008
)
from .orders import Enrollment, EnrollmentQuerySet, Order, OrderAdjustment, Payment

__all__ = [
    "Course", "CourseQuerySet", "Currency", "Enrollment", "EnrollmentQuerySet", "Lesson", "LessonAttachment",
    "LessonMedia", "LessonSubtitle", "MediaJob", "MediaRendition", "Order", "OrderAdjustment", "Partner", "Payment",
    "_lesson_file_path", "_protected_storage",
]  # fmt: skip
