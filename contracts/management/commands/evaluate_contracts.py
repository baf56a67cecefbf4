"""`manage.py evaluate_contracts [--date YYYY-MM-DD]` (docs/api.md): closes every contract month
that is over as of that date (default: today in the app's time zone) in this process, sends
their e-mails before it returns — no worker needed — and prints one line per month closed."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import outbox
from common.formats import format_eur, format_pct
from common.models import OutboxMessage
from contracts.closing import contracts_close_due_months, periods_without_email
from contracts.emails import KIND, period_emails_enqueue
from contracts.models import ContractPeriod
from contracts.presentation import standing_label
from pilots.management.commands.evaluate_pilots import emails_sent, iso_date


def period_line(period: ContractPeriod) -> str:
    """Labels, never raw codes: "Alpha Contact — E-mail, February 2027: Watch, 3 of 5 KPIs
    met, coverage 96.43%, service credit €420.00"."""
    contract = period.contract
    return _(
        "%(vendor)s — %(channel)s, %(month)s: %(standing)s, %(met)s of 5 KPIs met, "
        "coverage %(coverage)s, service credit %(credit)s"
    ) % {
        "vendor": contract.vendor.name,
        "channel": contract.get_channel_display(),
        "month": date_format(period.month, "YEAR_MONTH_FORMAT"),
        "standing": standing_label(period.standing),
        "met": period.met_count,
        "coverage": format_pct(period.data_coverage_pct),
        "credit": format_eur(period.credit),
    }


class Command(BaseCommand):
    help = "Close every contract month that is over and e-mail its scorecard."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help="Close as of this date (default: today in the app's time zone).",
        )

    def handle(self, *args, **options) -> None:
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        result = contracts_close_due_months(as_of=as_of)
        for period in result.created:
            self.stdout.write(period_line(period))
        made = [p.pk for p in result.created]
        to_queue = made + [pk for pk in periods_without_email() if pk not in set(made)]
        period_emails_enqueue(period_ids=to_queue)
        # In this process, before returning: this run's e-mails and any earlier one due again.
        sent = len(outbox.send_due(kinds=[KIND]))
        unsent = OutboxMessage.objects.filter(
            kind=KIND, object_id__in=to_queue, sent_at=None
        ).count()
        if unsent:
            self.stderr.write(
                _("%(failed)s monthly scorecard e-mails could not be sent yet.")
                % {"failed": unsent}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("As of %(date)s: %(made)s, %(sent)s.")
                % {
                    "date": as_of.isoformat(),
                    "made": ngettext("%(n)s month closed", "%(n)s months closed", len(made))
                    % {"n": len(made)},
                    "sent": emails_sent(sent),
                }
            )
        )
