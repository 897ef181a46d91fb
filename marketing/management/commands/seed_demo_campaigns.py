from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses.models import Course, Partner
from marketing.models import (
    Campaign,
    CampaignPartner,
    Channel,
    Coupon,
    TrackedLink,
)
from surveys.models import Choice, Dimension, Question, Survey


class Command(BaseCommand):
    help = (
        "Write a demo joint campaign with channels, tracked links and a coupon (run seed_demo first). It is "
        "scheduled until both sides accept its terms: seed_demo_partners has them accept and starts it."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            knowledge = Partner.objects.get(slug="zhixing-academy")
            art = Partner.objects.get(slug="qingyu-art-school")
        except Partner.DoesNotExist as exc:
            raise CommandError("Run `manage.py seed_demo` first.") from exc
        now = timezone.now()
        fields = {
            "name_zh": "知识 × 艺术 春季联名季",
            "name_en": "Knowledge × Art Spring Season",
            "description_zh": "知行学堂与青羽艺术联合出品：学一门思维课，再学一门艺术课。",
            "description_en": "Zhixing Academy and Qingyu Art School together: one course to think, one to create.",
            "starts_at": now - timedelta(days=3),
            "ends_at": now + timedelta(days=28),
            "budget": Decimal("20000"),
            "goal": "300 笔付费订单",
            # One knowledge and one art course for 399.00: 59.00 to 129.00 less than the two apart.
            "bundle_price": Decimal("399.00"),
        }
        # Never set running here: a joint campaign starts only through campaign_set_status, once
        # both sides accepted its terms (seed_demo_partners); a second run keeps the status it has.
        campaign, _ = Campaign.objects.update_or_create(
            slug="spring-knowledge-art",
            defaults=fields,
            create_defaults={**fields, "status": Campaign.Status.SCHEDULED},
        )
        campaign.knowledge_courses.set(Course.objects.filter(slug__in=["data-analysis-python", "business-writing"]))
        campaign.art_courses.set(Course.objects.filter(slug__in=["watercolor-landscapes", "piano-for-adults"]))
        CampaignPartner.objects.update_or_create(
            campaign=campaign, partner=knowledge, defaults={"side": "knowledge", "share_percent": Decimal("55")}
        )
        CampaignPartner.objects.update_or_create(
            campaign=campaign, partner=art, defaults={"side": "art", "share_percent": Decimal("45")}
        )
        for kind, name, cost, code in [
            (Channel.Kind.JOINT_EVENT, "线下联名展", "8000", "spring-expo"),
            (Channel.Kind.CONTENT_COOPERATION, "公众号联合推文", "3000", "spring-post"),
        ]:
            channel, _ = Channel.objects.update_or_create(
                campaign=campaign, kind=kind, defaults={"name": name, "cost": Decimal(cost)}
            )
            TrackedLink.objects.update_or_create(
                code=code, defaults={"channel": channel, "target_path": f"/campaigns/{campaign.slug}/"}
            )
        Coupon.objects.update_or_create(
            code="SPRING20",
            defaults={
                "kind": Coupon.Kind.PERCENT, "value": Decimal("20"), "campaign": campaign,
                "valid_from": now - timedelta(days=3), "valid_until": now + timedelta(days=28),
                "total_cap": 300, "per_learner_cap": 1,
            },
        )  # fmt: skip
        self._survey(campaign, now)
        self.stdout.write(self.style.SUCCESS(f"Demo campaign: /campaigns/{campaign.slug}/ ({campaign.status})"))
        self.stdout.write("  tracked links: /r/spring-expo/  /r/spring-post/   coupon: SPRING20 (20% off)")
        self.stdout.write("  demand survey: /surveys/spring-demand/?c=spring-post")

    def _survey(self, campaign: Campaign, now) -> None:
        survey, _ = Survey.objects.update_or_create(
            slug="spring-demand",
            defaults={
                "title_zh": "春季学习需求调研", "title_en": "Spring learning survey",
                "intro_zh": "两分钟，告诉我们你想学什么。", "intro_en": "Two minutes to tell us what you want to learn.",
                "purpose": Survey.Purpose.DEMAND_RESEARCH, "campaign": campaign,
                "opens_at": now - timedelta(days=3), "closes_at": now + timedelta(days=28),
            },
        )  # fmt: skip
        questions = [
            (1, "我想通过课程提升职场技能（数据、写作、产品）", "I want courses that build work skills (data, writing, product)",
             Question.Kind.LIKERT, Dimension.KNOWLEDGE, []),
            (2, "你想学习哪些艺术？", "Which arts would you like to learn?", Question.Kind.MULTIPLE, Dimension.ART,
             [("绘画", "Painting", True), ("音乐", "Music", True), ("设计", "Design", True), ("暂不想学", "None for now", False)]),
            (3, "你会向朋友推荐我们的课程吗？", "Would you recommend our courses to a friend?", Question.Kind.NPS, "", []),
            (4, "还有什么建议？", "Anything else?", Question.Kind.TEXT, "", []),
        ]  # fmt: skip
        for position, text_zh, text_en, kind, dimension, choices in questions:
            question, _ = Question.objects.update_or_create(
                survey=survey, position=position,
                defaults={"text_zh": text_zh, "text_en": text_en, "kind": kind, "dimension": dimension,
                          "required": kind != Question.Kind.TEXT},
            )  # fmt: skip
            for index, (label_zh, label_en, shows_want) in enumerate(choices, start=1):
                Choice.objects.update_or_create(
                    question=question, position=index,
                    defaults={"label_zh": label_zh, "label_en": label_en, "shows_want": shows_want},
                )  # fmt: skip
