"""`manage.py evaluate_pilots [--date YYYY-MM-DD]` (docs/api.md): the checkpoint sweep in this
process, as of that date (default: today in the app's time zone). It sends the scorecard
e-mails before it returns — no worker needed — and prints one line per scorecard made."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.dates import future_date_error, parse_sane_date
from common.models import OutboxMessage
from pilots.evaluation import emails, sweep
from pilots.presentation import verdict_label


def emails_sent(n: int) -> str:
    return ngettext("%(n)s e-mail sent", "%(n)s e-mails sent", n) % {"n": n}


def iso_date(value: str) -> date:
    """`--date` of this command, `evaluate_contracts` and `send_digest`: a plausible date
    that is not after today (docs/domain.md §5: no job for a day that has not happened)."""
    try:
        day = parse_sane_date(value)
    except ValueError as exc:
        raise CommandError(f"--date: {exc}") from None
    message = future_date_error(day)
    if message:
        raise CommandError(f"--date: {message}")
    return day


class Command(BaseCommand):
    help = "Make every due pilot scorecard (days 30, 60, 90) and e-mail it to the managers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help="Evaluate as of this date (default: today in the app's time zone).",
        )

    def handle(self, *args, **options) -> None:
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        result = sweep.sweep(as_of=as_of)
        for card in result.created:
            self.stdout.write(scorecard_line(card))
        made = {card.pk for card in result.created}
        to_queue = [c.pk for c in result.created] + [
            pk for pk in emails.scorecards_without_email() if pk not in made
        ]
        # In this process, before returning (no worker needed).
        sent = len(emails.scorecard_emails_send_now(scorecard_ids=to_queue))
        unsent = OutboxMessage.objects.filter(
            kind=emails.KIND, object_id__in=to_queue, sent_at=None
        ).count()
        if result.failed_pilot_ids:
            self.stderr.write(
                _("Evaluation failed for pilots %(ids)s (see the alerts).")
                % {"ids": ", ".join(map(str, result.failed_pilot_ids))}
            )
        if unsent:
            self.stderr.write(
                _("%(failed)s scorecard e-mails could not be sent yet (see the alerts).")
                % {"failed": unsent}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("As of %(date)s: %(made)s, %(sent)s.")
                % {
                    "date": as_of.isoformat(),
                    "made": ngettext(
                        "%(n)s scorecard made", "%(n)s scorecards made", len(result.created)
                    )
                    % {"n": len(result.created)},
                    "sent": emails_sent(sent),
                }
            )
        )


def scorecard_line(card) -> str:
    pilot = card.pilot
    line = _(
        "pilot %(pilot)s %(vendor)s (%(channel)s, started %(start)s): day %(day)s scorecard, "
        "%(met)s/5 KPIs met, coverage %(coverage)s%%"
    ) % {
        "pilot": pilot.pk,
        "vendor": pilot.vendor.name,
        "channel": pilot.get_channel_display(),
        "start": pilot.start_date.isoformat(),
        "day": card.checkpoint_day,
        "met": card.met_count,
        "coverage": card.data_coverage_pct,
    }
    if card.verdict:
        # In words ("verdict: insufficient data"), never the code (issue 24).
        line += ", " + _("verdict: %(verdict)s") % {"verdict": verdict_label(card.verdict)}
    return line
