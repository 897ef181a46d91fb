from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from accounts.models import User
from courses.models import Course, Lesson, Order, Partner
from platform_site.migration_ops import COURSE_MANAGERS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class ManagerFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(manager_group())


def manager_group() -> Group:
    """The data migrations' "Course managers" group, rebuilt if a transactional test emptied the tables."""
    return migrations_group(COURSE_MANAGERS)


# Apps whose models (and their permissions) moved to another app after a migration granted them:
# `surveys/0002_content_types_moved` took the survey models from marketing.
MOVED_MODELS = {"marketing": ["surveys"]}


def migrations_group(name: str) -> Group:
    """The group as the data migrations build it: every `grant_permissions` operation naming it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        for migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values():
            for operation in migration.operations:
                grants = getattr(getattr(operation, "code", None), "grants", None)
                if grants and grants[0] == name:
                    _, app_label, codenames = grants
                    apps = [app_label, *MOVED_MODELS.get(app_label, [])]
                    permissions = Permission.objects.filter(content_type__app_label__in=apps, codename__in=codenames)
                    group.permissions.add(*permissions)
    return group


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name_zh = factory.Sequence(lambda n: f"合作方{n}")
    name_en = factory.Sequence(lambda n: f"Partner {n}")
    kind = Partner.Kind.KNOWLEDGE_PLATFORM


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"course-{n}")
    title_zh = factory.Sequence(lambda n: f"课程{n}")
    title_en = factory.Sequence(lambda n: f"Course {n}")
    description_zh = "课程介绍"
    description_en = "About the course"
    track = Course.Track.KNOWLEDGE
    price = Decimal("199.00")
    status = Course.Status.PUBLISHED
    published_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").UTC)

    @factory.post_generation
    def partners(self, create: bool, extracted: list[Partner] | None, **kwargs: object) -> None:
        if create:
            self.partners.set(extracted if extracted is not None else [PartnerFactory()])

    @factory.post_generation
    def lessons(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        if create:
            for position in range(1, (3 if extracted is None else extracted) + 1):
                LessonFactory(course=self, position=position, is_free_preview=position == 1)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory, lessons=0)
    position = factory.Sequence(lambda n: n + 1)
    title_zh = factory.Sequence(lambda n: f"第{n}课")
    title_en = factory.Sequence(lambda n: f"Lesson {n}")
    body_zh = factory.Sequence(lambda n: f"课程内容 {n}")
    body_en = factory.Sequence(lambda n: f"Lesson body {n}")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    learner = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    amount = factory.LazyAttribute(lambda order: order.course.price)
    currency = factory.LazyAttribute(lambda order: order.course.currency)
    provider = "sandbox"


class CampaignFactory(factory.django.DjangoModelFactory):
    """A running joint campaign: one knowledge and one art partner (60/40), one course each side."""

    class Meta:
        model = "marketing.Campaign"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name_zh = factory.Sequence(lambda n: f"联名活动{n}")
    name_en = factory.Sequence(lambda n: f"Joint campaign {n}")
    status = "running"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    @factory.post_generation
    def sides(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        from marketing.models import CampaignPartner

        CampaignPartner.objects.create(campaign=self, partner=PartnerFactory(), side="knowledge", share_percent=60)
        CampaignPartner.objects.create(
            campaign=self, partner=PartnerFactory(kind="art_institution"), side="art", share_percent=40
        )
        self.knowledge_courses.add(CourseFactory(track="knowledge", price=Decimal("100.00")))
        self.art_courses.add(CourseFactory(track="art", price=Decimal("300.00")))


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "marketing.Channel"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "joint_event"
    name = factory.Sequence(lambda n: f"Channel {n}")
    cost = Decimal("500.00")


class TrackedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "marketing.TrackedLink"

    channel = factory.SubFactory(ChannelFactory)
    target_path = "/courses/"


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "marketing.Coupon"

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = "percent"
    value = Decimal("20")
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class SurveyFactory(factory.django.DjangoModelFactory):
    """An open demand survey: a knowledge Likert question, an art yes/no choice, an optional comment."""

    class Meta:
        model = "surveys.Survey"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"survey-{n}")
    title_zh = factory.Sequence(lambda n: f"需求调研{n}")
    title_en = factory.Sequence(lambda n: f"Demand research {n}")
    purpose = "demand_research"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @factory.post_generation
    def questions(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        from surveys.models import Choice, Question

        Question.objects.create(survey=self, position=1, text_zh="我想学知识课", kind="likert", dimension="knowledge")
        art = Question.objects.create(survey=self, position=2, text_zh="你想学艺术吗", kind="single", dimension="art")
        Choice.objects.create(question=art, position=1, label_zh="想", label_en="Yes", shows_want=True)
        Choice.objects.create(question=art, position=2, label_zh="不想", label_en="No")
        Question.objects.create(survey=self, position=3, text_zh="建议", kind="text", required=False)


def assign_to_partner_courses(membership: object) -> object:
    """Assign an instructor to every course its partner has now (instructors teach assigned courses only)."""
    from partners.models import CourseAssignment

    courses = Course.objects.filter(partners=membership.partner_id)  # type: ignore[attr-defined]
    CourseAssignment.objects.bulk_create(
        [CourseAssignment(membership=membership, course=course) for course in courses], ignore_conflicts=True
    )
    return membership


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Membership"

    partner = factory.SubFactory(PartnerFactory)
    user = factory.SubFactory(UserFactory)
    role = "owner"
