import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.models import Partner
from partners import services


class Command(BaseCommand):
    help = "Seat demo members in the demo partners' workspaces (run seed_demo first)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for both demo partner accounts (default: a new random one).")

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            art = Partner.objects.get(slug="qingyu-art-school")
            knowledge = Partner.objects.get(slug="zhixing-academy")
        except Partner.DoesNotExist as exc:
            raise CommandError("Run `manage.py seed_demo` first.") from exc
        password = options["password"] or secrets.token_urlsafe(9)
        users = get_user_model().objects
        owner, _ = users.update_or_create(username="art-owner", defaults={"email": "art-owner@example.com"})
        manager, _ = users.update_or_create(username="art-manager", defaults={"email": "art-manager@example.com"})
        for user in (owner, manager):
            user.set_password(password)
            user.save(update_fields=["password"])
        services.membership_grant(partner_id=art.pk, user=owner, role="owner")
        services.membership_grant(partner_id=knowledge.pk, user=owner, role="analyst")
        services.membership_grant(partner_id=art.pk, user=manager, role="manager")
        self.stdout.write(f"  partner owner    username: art-owner    password: {password}  (/partner/)")
        self.stdout.write(f"  partner manager  username: art-manager  password: {password}")
