from django.core.management.base import BaseCommand

from audit.backfill import backfill
from audit.registry import BY_KEY


class Command(BaseCommand):
    help = (
        "Copy the history kept before the audit trail existed into it (safe to run again: "
        "replaces its own earlier copy, leaves the lines recorded live alone)."
    )

    def handle(self, *args, **options) -> None:
        for key, count in backfill().items():
            self.stdout.write(f"{BY_KEY[key].label}: {count}")
