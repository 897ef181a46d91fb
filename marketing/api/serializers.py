from django.utils.translation import gettext as _
from rest_framework import serializers

from courses.models import Course, Order, Partner
from marketing.models import (
    Campaign,
    CampaignPartner,
    CampaignScore,
    Channel,
    Coupon,
    OrderAttribution,
    TrackedLink,
)
from platform_site.api import ModelSerializer


class CampaignPartnerSerializer(serializers.ModelSerializer):
    partner: "serializers.SlugRelatedField[Partner]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CampaignPartner
        fields = ["partner", "side", "share_percent"]


class CampaignSerializer(ModelSerializer):
    knowledge_courses = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Course.objects.all(), required=False
    )
    art_courses = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Course.objects.all(), required=False
    )
    partner_shares = CampaignPartnerSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "slug", "name_zh", "name_en", "description_zh", "description_en", "status", "starts_at",
            "ends_at", "budget", "goal", "knowledge_courses", "art_courses", "bundle_price", "partner_shares",
        ]  # fmt: skip
        read_only_fields = ["status"]


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "campaign", "kind", "name", "cost", "manual_effect"]


class TrackedLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TrackedLink
        fields = ["id", "channel", "code", "target_path", "url", "referrer", "created_at"]
        read_only_fields = ["code", "referrer", "created_at"]

    def get_url(self, link: TrackedLink) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(link.get_absolute_url()) if request else link.get_absolute_url()


class CouponSerializer(ModelSerializer):
    courses = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Course.objects.all(), required=False)

    class Meta:
        model = Coupon
        fields = [
            "id", "code", "kind", "value", "campaign", "courses", "valid_from", "valid_until",
            "total_cap", "per_learner_cap",
        ]  # fmt: skip


class ReferralLinkCreateSerializer(serializers.Serializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", queryset=Campaign.objects.all())


class ReferralLinkSerializer(serializers.ModelSerializer):
    campaign: "serializers.SlugRelatedField[Campaign]" = serializers.SlugRelatedField(
        source="channel.campaign", slug_field="slug", read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = TrackedLink
        fields = ["code", "campaign", "url", "created_at"]

    def get_url(self, link: TrackedLink) -> str:
        return self.context["request"].build_absolute_uri(link.get_absolute_url())


class ReferralCreditSerializer(serializers.ModelSerializer):
    order: "serializers.SlugRelatedField[Order]" = serializers.SlugRelatedField(slug_field="number", read_only=True)
    course = serializers.CharField(source="order.course.slug", read_only=True)
    amount = serializers.DecimalField(source="order.amount", max_digits=10, decimal_places=2, read_only=True)
    paid_at = serializers.DateTimeField(source="order.paid_at", read_only=True)
    campaign: "serializers.SlugRelatedField[Campaign]" = serializers.SlugRelatedField(
        source="last_campaign", slug_field="slug", read_only=True
    )

    class Meta:
        model = OrderAttribution
        fields = ["order", "course", "amount", "paid_at", "campaign"]


class CampaignScoreSerializer(serializers.ModelSerializer):
    campaign: "serializers.SlugRelatedField[Campaign]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CampaignScore
        fields = ["campaign", "computed_at", "respondents", "visitors", "d_k", "d_a", "r_k", "r_a", "e", "f", "g",
                  "h", "observed_demand", "observed_buyers", "revenue_knowledge", "revenue_art",
                  "manual_channels"]  # fmt: skip


class ScoreCalculatorSerializer(serializers.Serializer):
    """Each input optional; a score is computed for each complete set of its inputs (none for `{}`)."""

    d_k = serializers.FloatField(required=False, min_value=0, max_value=1)
    d_a = serializers.FloatField(required=False, min_value=0, max_value=1)
    r_k = serializers.FloatField(required=False, min_value=0, max_value=1)
    r_a = serializers.FloatField(required=False, min_value=0, max_value=1)
    # Bounded so that h = E + E^2 stays finite (1e200 gave infinity, which JSON cannot carry: a 500).
    e = serializers.FloatField(required=False, min_value=0, max_value=1e6)

    PAIRS = {"f": ("d_k", "d_a"), "g": ("r_k", "r_a"), "h": ("e",)}

    def validate(self, data: dict) -> dict:
        errors = {}
        for names in self.PAIRS.values():
            given = [name for name in names if name in data]
            for name in names:
                if given and name not in data:
                    errors[name] = [_("Give this too: it completes the pair.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class ScoreResultSerializer(serializers.Serializer):
    f = serializers.FloatField(required=False)
    g = serializers.FloatField(required=False)
    h = serializers.FloatField(required=False)


class RefreshQueuedSerializer(serializers.Serializer):
    campaign = serializers.SlugField()
    queued = serializers.BooleanField()


class PairedCourseSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()


class PairingFactorSerializer(serializers.Serializer):
    value = serializers.FloatField(help_text="In [0, 1].")
    weight = serializers.FloatField()
    part = serializers.FloatField(help_text="weight × value; the parts add up to the score.")


class PairingFactorsSerializer(serializers.Serializer):
    text = PairingFactorSerializer()
    shared_skills = PairingFactorSerializer()
    complementary_skills = PairingFactorSerializer()
    co_purchase = PairingFactorSerializer()
    demand = PairingFactorSerializer()
    revenue = PairingFactorSerializer()
    promotion = PairingFactorSerializer()


class PairingSerializer(serializers.Serializer):
    knowledge = PairedCourseSerializer()
    art = PairedCourseSerializer()
    score = serializers.FloatField()
    factors = PairingFactorsSerializer()
    details = serializers.DictField(
        help_text="shared_skills, complementary_skills, lift, respondents, d_k, d_a, f, campaign (slug, name, "
        "similarity, g, h)."
    )
    computed_at = serializers.DateTimeField()
