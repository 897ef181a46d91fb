import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from courses import demo, demo_media
from courses.models import Course, Lesson, Partner

MANAGER_GROUP = "Course managers"


class Command(BaseCommand):
    help = "Write the bilingual demo catalogue and a manager and a learner account (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for both demo accounts (default: a new random one).")

    def handle(self, *args, **options):
        password = self._catalogue(options)
        self.stdout.write("Demo media (made with ffmpeg):")
        demo_media.seed_media(log=self.stdout.write)
        self.stdout.write(f"  course manager  username: manager  password: {password}  (admin at /admin/)")
        self.stdout.write(f"  learner         username: learner  password: {password}")

    @transaction.atomic
    def _catalogue(self, options) -> str:
        partners = {}
        for partner in demo.PARTNERS:
            partners[partner["slug"]] = Partner.objects.update_or_create(slug=partner["slug"], defaults=partner)[0]

        now = timezone.now()
        for index, row in enumerate(demo.COURSES):
            slug, track, level, language, price, partner_slugs, title_zh, title_en, desc_zh, desc_en, lessons = row
            course, _ = Course.objects.update_or_create(
                slug=slug,
                defaults={
                    "track": track, "level": level, "language": language, "price": price,
                    "title_zh": title_zh, "title_en": title_en,
                    "description_zh": desc_zh, "description_en": desc_en,
                    "status": Course.Status.PUBLISHED,
                    # Spread publication dates so "newest" ordering means something.
                    "published_at": now - timedelta(days=len(demo.COURSES) - index),
                },
            )  # fmt: skip
            course.partners.set([partners[slug] for slug in partner_slugs])
            for position, (lesson_zh, lesson_en) in enumerate(lessons, start=1):
                fields: dict[str, object] = {
                    "title_zh": lesson_zh,
                    "title_en": lesson_en,
                    "body_zh": demo.lesson_body(title_zh, lesson_zh, position, english=False),
                    "body_en": demo.lesson_body(title_en, lesson_en, position, english=True),
                    "is_free_preview": position == 1,
                }
                # The duration only on creation: a media lesson's comes from its media.
                Lesson.objects.update_or_create(
                    course=course,
                    position=position,
                    defaults=fields,
                    create_defaults={**fields, "duration_minutes": 12 + 6 * position},
                )

        password = options["password"] or secrets.token_urlsafe(9)
        user_model = get_user_model()
        manager, _ = user_model.objects.update_or_create(
            username="manager", defaults={"email": "manager@example.com", "is_staff": True}
        )
        manager.set_password(password)
        manager.save()
        manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
        learner, _ = user_model.objects.update_or_create(username="learner", defaults={"email": "learner@example.com"})
        learner.set_password(password)
        learner.save()

        self.stdout.write(
            self.style.SUCCESS(f"Demo catalogue: {len(demo.PARTNERS)} partners, {len(demo.COURSES)} courses.")
        )
        return password
