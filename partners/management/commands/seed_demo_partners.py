import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.models import Partner
from marketing.models import Campaign
from marketing.services import campaign_set_status
from partners import agreements, services

DEMO_CAMPAIGN = "spring-knowledge-art"


class Command(BaseCommand):
    help = (
        "Seat demo members in the demo partners' workspaces (run seed_demo first); with the demo campaign "
        "(seed_demo_campaigns), both sides' managers accept its terms and it starts."
    )

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
        knowledge_manager, _ = users.update_or_create(
            username="knowledge-manager", defaults={"email": "knowledge-manager@example.com"}
        )
        for user in (owner, manager, knowledge_manager):
            user.set_password(password)
            user.save(update_fields=["password"])
        services.membership_grant(partner_id=art.pk, user=owner, role="owner")
        services.membership_grant(partner_id=knowledge.pk, user=owner, role="analyst")
        art_seat = services.membership_grant(partner_id=art.pk, user=manager, role="manager")
        knowledge_seat = services.membership_grant(partner_id=knowledge.pk, user=knowledge_manager, role="manager")
        self.stdout.write(f"  partner owner    username: art-owner    password: {password}  (/partner/)")
        self.stdout.write(f"  partner manager  username: art-manager  password: {password}")
        self.stdout.write(f"  knowledge side   username: knowledge-manager  password: {password}")
        campaign = Campaign.objects.filter(slug=DEMO_CAMPAIGN).first()
        if campaign is not None and campaign.status != Campaign.Status.ENDED:
            self._agree_and_start(campaign, [art_seat, knowledge_seat])

    def _agree_and_start(self, campaign, seats):
        """Each side's manager accepts the terms as they are now (a rerun that moved the dates asks
        them again), then the campaign starts the one way there is: campaign_set_status."""
        for seat in seats:
            digest = agreements.agreement_record_changes(campaign=campaign).digest
            agreements.campaign_terms_accept(actor=seat, campaign=campaign, digest=digest)
        campaign_set_status(campaign=campaign, status=Campaign.Status.RUNNING)
        self.stdout.write(f"  demo campaign    both sides accepted its terms; it is {campaign.get_status_display()}")
