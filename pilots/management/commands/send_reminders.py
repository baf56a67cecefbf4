"""`manage.py send_reminders [--at YYYY-MM-DDTHH:MM]` (docs/api.md): the quote-deadline and
missing-day reminders due at that moment (default: now; a moment without a zone is in the
app's time zone), sent in this process; one line per e-mail sent. A second run for the same
moment sends nothing new."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.dates import future_moment_error
from pilots.reminders import missing_day_reminders_send
from procurement.reminders import quote_reminders_send
from procurement.tasks import as_moment


def _moment(value: str | None) -> datetime:
    try:
        moment = as_moment(value)
    except ValueError:
        raise CommandError(
            f"--at: {value!r} is not a moment; use YYYY-MM-DDTHH:MM, e.g. 2027-03-08T07:00"
        ) from None
    # docs/domain.md §5: no job reminds about a moment that has not happened.
    message = future_moment_error(moment)
    if message:
        raise CommandError(f"--at: {message}")
    return moment


class Command(BaseCommand):
    help = "Send the quote-deadline and missing-day reminders due at a moment, each once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", metavar="YYYY-MM-DDTHH:MM", help="Default: now.")

    def handle(self, *args, **options) -> None:
        at = _moment(options["at"])
        quote = quote_reminders_send(at=at)
        for item in quote:
            self.stdout.write(
                _("Quote deadline reminder to %(who)s: %(subject)s")
                % {"who": item.to_email, "subject": item.subject}
            )
        missing = missing_day_reminders_send(at=at)
        for item in missing:
            self.stdout.write(
                _("Missing day reminder to %(who)s: %(subject)s")
                % {"who": item.to_email, "subject": item.subject}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(quote)s and %(missing)s sent.")
                % {
                    "quote": ngettext(
                        "%(n)s quote deadline reminder",
                        "%(n)s quote deadline reminders",
                        len(quote),
                    )
                    % {"n": len(quote)},
                    "missing": ngettext(
                        "%(n)s missing day reminder", "%(n)s missing day reminders", len(missing)
                    )
                    % {"n": len(missing)},
                }
            )
        )
