from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_accounts


class Command(BaseCommand):
    help = "Load a realistic demo (API.md). Safe to run twice: it updates what it made before."

    def handle(self, *args, **options) -> None:
        from costing.awards import assess_quote
        from pilots.demo import seed_pilots
        from pilots.demo_evaluation import seed_evaluation
        from procurement.demo import seed_procurement

        with transaction.atomic():
            cast = seed_accounts()
            procurement = seed_procurement(cast, assess_quote)
        with transaction.atomic():
            pilot_lines = seed_pilots(cast, procurement)
        # The checkpoint sweep as of today: the pilot past day 60 gets its scorecards, and
        # their e-mail goes out in-process once this transaction commits.
        with transaction.atomic():
            pilot_lines += seed_evaluation(cast, pilot_lines)

        for line in procurement.get("lines", []) + pilot_lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password: {DEMO_PASSWORD}):"))
        for user in cast.values():
            vendor = f" ({user.vendor.name})" if user.vendor_id else ""
            self.stdout.write(f"  {user.get_role_display():<14} {user.email}{vendor}")
