"""`manage.py send_digest [--date YYYY-MM-DD]` (docs/api.md): the weekly manager digest for that
date's week (default: today in the app's time zone), sent in this process; one line per
e-mail sent. A second run for the same week sends nothing new."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pilots.digest import week_of, weekly_digest_send
from pilots.management.commands.evaluate_pilots import iso_date


class Command(BaseCommand):
    help = "Send the weekly digest to each manager, once per week."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="as_of", metavar="YYYY-MM-DD", help="Default: today.")

    def handle(self, *args, **options) -> None:
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        sent = weekly_digest_send(as_of=as_of)
        for item in sent:
            self.stdout.write(_("Weekly digest to %(who)s") % {"who": item.to_email})
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Week of %(week)s: %(n)s digest sent.",
                    "Week of %(week)s: %(n)s digests sent.",
                    len(sent),
                )
                % {"week": week_of(as_of).isoformat(), "n": len(sent)}
            )
        )
