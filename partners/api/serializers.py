"""The partner API's shapes: the partner's own rows, learners' contacts masked as on the pages."""

from rest_framework import serializers

from courses.models import Course, Lesson
from platform_site.api import ModelSerializer

from ..agreements import SideState
from ..forms import CourseForm, LessonForm
from ..models import PublishRequest, Statement

COURSE_WRITABLE = list(CourseForm.Meta.fields)
LESSON_WRITABLE = list(LessonForm.Meta.fields)


class PartnerCourseSerializer(ModelSerializer):
    """A course of the partner; only the fields the workspace's course form edits are writable."""

    lesson_count = serializers.IntegerField(read_only=True)
    active_enrollments = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = ["id", "slug", *COURSE_WRITABLE, "status", "published_at", "created_at", "updated_at",
                  "lesson_count", "active_enrollments"]  # fmt: skip
        read_only_fields = [field for field in fields if field not in COURSE_WRITABLE]


class PartnerLessonSerializer(ModelSerializer):
    """A lesson of one of the partner's courses; the fields the workspace's lesson form edits are
    writable (the position changes through the course's `reorder`, the media through `media`)."""

    course = serializers.IntegerField(source="course_id", read_only=True)
    has_media = serializers.SerializerMethodField()
    job_status = serializers.CharField(
        read_only=True, allow_null=True, help_text="The status of the lesson's latest media job, if any."
    )
    job_progress = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Lesson
        fields = ["id", "course", "position", *LESSON_WRITABLE, "has_media", "job_status", "job_progress"]
        read_only_fields = ["id", "course", "position"]

    def get_has_media(self, lesson: Lesson) -> bool:
        return hasattr(lesson, "media")


class LessonOrderSerializer(serializers.Serializer):
    lessons = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=1000,
        help_text="Every lesson id of the course once, in the new order.",
    )  # fmt: skip


class LessonMediaSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A video or audio file; converted for the web in the background.")


class PublishRequestSerializer(ModelSerializer):
    """A request that the platform publish one of the partner's courses, and its decision."""

    course = serializers.CharField(source="course.slug", read_only=True, help_text="The course's slug.")

    class Meta:
        model = PublishRequest
        fields = ["id", "course", "status", "reason", "requested_at", "decided_at"]
        read_only_fields = fields


class PublishResultSerializer(serializers.Serializer):
    course_status = serializers.CharField(help_text="`published`, or unchanged while a request awaits review.")
    publish_request = PublishRequestSerializer(
        allow_null=True, help_text="The open request, when publishing needs approval."
    )


class LearnerContactSerializer(serializers.Serializer):
    initial = serializers.CharField(help_text="The learner's initial, e.g. `W.`.")
    email = serializers.CharField(help_text="The masked address, e.g. `w***@example.com`.")


class PartnerOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    course = serializers.CharField(source="course.slug", help_text="The course's slug.")
    learner = LearnerContactSerializer()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    discount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)


class PartnerEnrollmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    course = serializers.CharField(source="course.slug", help_text="The course's slug.")
    learner = LearnerContactSerializer()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class SideSerializer(serializers.Serializer):
    partner = serializers.CharField(source="share.partner.slug")
    side = serializers.CharField(source="share.side")
    share_percent = serializers.DecimalField(source="share.share_percent", max_digits=5, decimal_places=2)
    accepted = serializers.SerializerMethodField()
    accepted_at = serializers.SerializerMethodField()
    asked_again = serializers.BooleanField(help_text="It had accepted terms that have changed since.")

    def get_accepted(self, side: SideState) -> bool:
        return side.accepted is not None

    def get_accepted_at(self, side: SideState) -> str | None:
        return side.accepted.created_at.isoformat() if side.accepted is not None else None


class AgreementSerializer(serializers.Serializer):
    digest = serializers.CharField(help_text="Send it back to accept these terms.")
    terms = serializers.DictField()
    agreed = serializers.BooleanField(help_text="Every side accepted the current terms.")
    sides = SideSerializer(many=True)


class PartnerCampaignSerializer(serializers.Serializer):
    """A joint campaign the partner has a side in, with the partner's side and share of the figures."""

    id = serializers.IntegerField(source="campaign.pk")
    slug = serializers.CharField(source="campaign.slug")
    name_zh = serializers.CharField(source="campaign.name_zh")
    name_en = serializers.CharField(source="campaign.name_en")
    status = serializers.CharField(source="campaign.status")
    starts_at = serializers.DateTimeField(source="campaign.starts_at")
    ends_at = serializers.DateTimeField(source="campaign.ends_at")
    side = serializers.CharField(help_text="This partner's side, in the request's language.")
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    amount = serializers.CharField(allow_null=True, help_text="This partner's part of the revenue so far.")
    computed_at = serializers.DateTimeField(allow_null=True)
    agreement = AgreementSerializer()


class AcceptTermsSerializer(serializers.Serializer):
    digest = serializers.CharField(max_length=64, help_text="The `agreement.digest` of the terms read.")


class PartnerMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.CharField(source="user.email")
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class PartnerStatementSerializer(ModelSerializer):
    """An issued monthly statement of the partner (immutable but for the payout mark)."""

    class Meta:
        model = Statement
        fields = ["id", "month", "currency", "opening_balance", "sales", "refunds", "commission", "net",
                  "closing_balance", "amount_due", "issued_at", "paid_on", "payout_reference"]  # fmt: skip
        read_only_fields = fields
