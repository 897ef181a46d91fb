from django.core.management.base import BaseCommand

from partners.ledger import ledger_backfill


class Command(BaseCommand):
    help = (
        "Post to the ledger the paid and refunded orders that predate it, dated when they were paid and "
        "refunded. Running it again posts nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be posted; post nothing.")

    def handle(self, *args, **options):
        result = ledger_backfill(dry_run=options["dry_run"])
        verb = "would post" if options["dry_run"] else "posted"
        self.stdout.write(
            f"{result.orders} orders without their postings; {verb} {result.sales} sales and {result.refunds} refunds."
        )
