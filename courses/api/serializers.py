from decimal import Decimal

from rest_framework import serializers
from rest_framework.reverse import reverse

from courses import hooks, selectors
from courses.models import Course, Enrollment, Lesson, Order, OrderAdjustment, Partner
from platform_site.schema import NullInResponses


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["slug", "name_zh", "name_en", "kind", "website"]


class CourseSerializer(serializers.ModelSerializer):
    """Read and write shape of a course. Status changes go through the publish/archive actions."""

    partners = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Partner.objects.all())
    partner_details = PartnerSerializer(source="partners", many=True, read_only=True)
    is_free = serializers.BooleanField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "slug", "title_zh", "title_en", "description_zh", "description_en", "track", "level",
            "language", "price", "currency", "status", "is_free", "partners", "partner_details",
            "published_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["status", "published_at", "created_at", "updated_at"]
        extra_kwargs = {"price": {"min_value": 0}}

    def get_fields(self) -> dict[str, serializers.Field]:
        # Read-only fields other apps add (the skills `ml` found), without `courses` importing them.
        return {**super().get_fields(), **hooks.course_fields()}


class LessonBodyField(NullInResponses, serializers.CharField):
    """A lesson's text: null when the caller may not read it yet (see LessonSerializer)."""


class LessonSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="slug", queryset=Course.objects.all())
    body_zh = LessonBodyField(required=False, allow_blank=True)
    body_en = LessonBodyField(required=False, allow_blank=True)
    locked = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "id", "course", "position", "title_zh", "title_en", "body_zh", "body_en",
            "is_free_preview", "duration_minutes", "locked",
        ]  # fmt: skip

    def get_locked(self, lesson: Lesson) -> bool:
        user = self.context["request"].user
        enrolled = self.context.get("enrolled", set())
        return not selectors.lesson_is_unlocked(lesson=lesson, user=user, enrolled=enrolled)

    def to_representation(self, lesson: Lesson) -> dict:
        data = super().to_representation(lesson)
        if data["locked"]:
            data["body_zh"] = data["body_en"] = None
        return data


class OrderAdjustmentSerializer(serializers.ModelSerializer):
    """One line of the order's price breakdown: what it takes off the list price and why."""

    # DRF's metaclass takes declared fields off the class, so this does not shadow Field.label.
    label = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = OrderAdjustment
        fields = ["kind", "label", "code", "amount"]
        read_only_fields = fields

    def get_label(self, line: OrderAdjustment) -> str:
        """The kind's name in the request's language ("Coupon", "优惠券")."""
        return str(line.label)


class OrderSerializer(serializers.ModelSerializer):
    """Orders are read-only but for the course a learner asks to buy; amount, status and
    learner come from the server, whatever a client sends."""

    course = serializers.SlugRelatedField(slug_field="slug", queryset=Course.objects.all())
    coupon = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A coupon code. Left out or blank, a pending order of the course keeps its coupon.",
    )
    remove_coupon = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Drop the coupon of the pending order of the course."
    )
    confirm_total = serializers.DecimalField(
        write_only=True,
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(0),
        help_text=(
            "The total the learner agreed to: the order is (re)priced only at this total. When continuing "
            "a pending order would change its total, the answer is 409 `price_changed` with both "
            "breakdowns in `extra` (`current`, `quote`) and the new total in `extra.confirm_total`: "
            "send it back here to confirm, or pay the pending order as it is."
        ),
    )
    adjustments = OrderAdjustmentSerializer(many=True, read_only=True)
    payment_url = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "number", "course", "coupon", "remove_coupon", "confirm_total", "list_price", "adjustments",
            "discount", "amount", "currency", "status", "provider", "payment_url", "created_at", "paid_at",
            "refunded_at", "cancelled_at",
        ]  # fmt: skip
        read_only_fields = [
            field for field in fields if field not in ("course", "coupon", "remove_coupon", "confirm_total")
        ]

    def get_payment_url(self, order: Order) -> str | None:
        """Where to go on with payment: POST there to check the price and get the gateway's URL."""
        if order.status != Order.Status.PENDING:
            return None
        request = self.context.get("request")
        url = reverse("order-pay", args=[order.number])
        return request.build_absolute_uri(url) if request else url


class EnrollmentSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="slug", queryset=Course.objects.all())
    # Null for a free course's enrollment.
    order: serializers.SlugRelatedField[Order] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )

    class Meta:
        model = Enrollment
        fields = ["id", "course", "status", "order", "created_at", "revoked_at"]
        read_only_fields = ["id", "status", "order", "created_at", "revoked_at"]


class PaymentStartSerializer(serializers.Serializer):
    checkout_url = serializers.URLField()
