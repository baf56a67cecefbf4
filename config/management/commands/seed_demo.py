from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD
from costing.awards import assess_quote
from pilots.demo import seed_pilots
from procurement.demo import seed_cast, seed_procurement


class Command(BaseCommand):
    help = "Load a realistic demo (docs/api.md). Safe to run twice: it updates what it made before."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            cast = seed_cast()
            procurement = seed_procurement(cast, assess_quote)
        # Pilots, their KPIs and the checkpoint sweep as of today: the scorecards' e-mail
        # goes out in-process once this transaction commits.
        with transaction.atomic():
            pilot_lines = seed_pilots(cast, procurement)

        for line in procurement.get("lines", []) + pilot_lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password: {DEMO_PASSWORD}):"))
        for user in cast.values():
            vendor = f" ({user.vendor.name})" if user.vendor_id else ""
            self.stdout.write(f"  {user.get_role_display():<14} {user.email}{vendor}")
