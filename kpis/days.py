"""The daily KPI day, reusable by every "measured period" whose vendor enters daily KPIs: a
pilot today, a contract next (docs/domain.md §6: same rules, form, CSV and API).

Reuse points (code against these, do not copy them):

- `kpis.models.KpiDay`: abstract model with the day and its KPI fields, who entered it,
  `late` and the history (simple-history, inherited). A concrete entry adds the owner FK and
  `Meta.constraints = kpi_day_constraints(owner_field, prefix)`.
- `KpiDayForm(data, *, period, today=None, localized=True)`: THE definition of a valid day,
  run by the page, each CSV row and the API. `period` is anything with `start_date`,
  `end_date`, `vendor` and `targets` (a Pilot, a Contract). Reports every error at once.
- `kpi_day_upsert(owner=, entry_model=, owner_field=, day=, values=, by=, source=, today=)` and
  `kpi_days_import(...)` (all rows or none): the one write path.
- `KpiPeriod`: the protocol a period implements (`start_date`, `end_date`, `vendor`,
  `targets`, `day_number(date)`, `final_until`).
- Final days (docs/domain.md §5): days up to `period.final_until` (None: none) are final. The form
  refuses a change to them, unless built with `may_correct_final=True` (procurement) and
  given a written `reason`, which the write path stores on the entry (and so in its history).
  `kpi_day_upsert` decides `may_correct_final` from `by` (`by.is_procurement`); after the
  write the owner's service asks `corrects_final_day(owner, day)` to mark what was built on
  the day (a pilot's scorecards: `data_changed_at`).
- Lock order: every write locks the owner row first (`lock_owner`), then its entries in date
  order, and is re-run on a deadlock (`common.db.retry_on_conflict`).
- `kpis.csv_import.parse_kpi_csv(raw=, period=, today=)`: the CSV importer (validates each row
  with `KpiDayForm`); `template_csv(period)`, `entries_csv(entries)`.
- `kpi_sums()` (the aggregate a `KpiTotals` is made of, in SQL), `kpi_totals_by(entries, by)`
  and `kpi_totals(entries)`; `kpis.rules.KpiTotals.from_entry(entry)` for one day in Python;
  `kpis.rules.evaluate(...)` judges totals against `period.targets`. None of it knows the owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Model,
    Q,
    QuerySet,
    Sum,
)
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import events
from common.dates import SaneDateField, app_today
from common.db import retry_on_conflict
from common.formats import format_eur
from common.strict import StrictDecimalField, StrictIntegerField

from . import definitions
from .definitions import DAILY_FIELDS_BY_NAME, NEEDS, SUM_TERMS, TOGETHER
from .models import KpiDay
from .rules import KpiTotals

# Sane caps (documented in the form's help and the CSV template page). A value above them is
# a typo or a unit mix-up (seconds for minutes, cents for euros), never a real day:
MAX_TICKETS_PER_DAY = 100_000  # also caps CSAT responses
MAX_FRT_MINUTES = Decimal(10_080)  # a week: an average first response slower than that is a typo
MAX_AHT_MINUTES = Decimal(1_440)  # a day: no contact takes longer on average
MAX_COST_PER_TICKET = Decimal(1_000)  # € per ticket; a day without tickets may cost up to €1,000
MAX_NOTE_LENGTH = 2_000

# The daily fields come from the KPI table (`kpis.definitions.DAILY_FIELDS`).
COUNT_FIELDS = definitions.COUNT_FIELDS
DECIMAL_FIELDS = definitions.DECIMAL_FIELDS
REQUIRED_FIELDS = definitions.REQUIRED_FIELDS
OPTIONAL_FIELDS = definitions.OPTIONAL_FIELDS
EXTRA_DAILY_FIELDS = definitions.EXTRA_DAILY_FIELDS
VALUE_FIELDS = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS, "note")


class KpiPeriod(Protocol):
    """What a day's KPIs are measured against: a pilot, a contract (`Pilot` implements it)."""

    start_date: date
    end_date: date  # the last day that takes an entry
    vendor: object
    # "%(day)s is outside the pilot, which runs from %(start)s to %(end)s." (a lazy string)
    OUTSIDE_MESSAGE: str

    @property
    def targets(self) -> dict[str, Decimal]:
        """The five targets by KPI key (`kpis.rules.KPI_KEYS`)."""
        ...

    def day_number(self, on: date) -> int:
        """Day N of the period on `on` (day 1 is `start_date`); used by trend series."""
        ...

    @property
    def final_until(self) -> date | None:
        """The last final day (a decision was based on the days up to it), or None."""
        ...


def corrects_final_day(period: KpiPeriod, day: date) -> bool:
    """Whether `day` is final in `period`."""
    final_until = period.final_until
    return final_until is not None and day <= final_until


def _n(value: Decimal | int) -> str:
    """A cap in the active language's number format (10,080 in English, 10.080 in Dutch)."""
    return number_format(value, use_l10n=True, force_grouping=True)


# --- The validator ---------------------------------------------------------------------------


def _label(name: str) -> str:
    return capfirst(KpiDay._meta.get_field(name).verbose_name)


def _name_in_text(name: str) -> str:
    """A field's label inside a sentence (not capitalised)."""
    return str(KpiDay._meta.get_field(name).verbose_name)


def _count_field(name: str, help_text: str = "", required: bool = True) -> forms.IntegerField:
    # No min_value here: the range checks name the rule ("Must not be negative.").
    return StrictIntegerField(
        label=_label(name),
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _decimal_field(name: str, help_text: str = "") -> forms.DecimalField:
    # No digit limits here: the caps below say what is plausible, in our words.
    return StrictDecimalField(
        label=_label(name),
        help_text=help_text,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class KpiDayForm(forms.Form):
    """One day's KPIs of a measured period: every rule a day must pass, in one place.

    Each field converts on its own; `clean()` then runs the range and cross-field checks for
    every field that did convert, so a submit shows ALL its errors at once. `localized=False`
    reads numbers with a decimal point whatever the language (the CSV importer and the API
    hand over "35.5" or a Decimal); the page reads what the user's language writes ("35,5").
    `today` is in the app's time zone (default: today).
    """

    day = SaneDateField(
        label=gettext_lazy("Date"),
        error_messages={"required": gettext_lazy("Enter the date of the day.")},
    )
    tickets = _count_field("tickets", gettext_lazy("Tickets handled on the day."))
    csat_responses = _count_field("csat_responses")
    csat_positive = _count_field(
        "csat_positive", gettext_lazy("At most the number of CSAT responses.")
    )
    frt_minutes = _decimal_field("frt_minutes")
    aht_minutes = _decimal_field("aht_minutes")
    fcr_resolved = _count_field("fcr_resolved", gettext_lazy("At most the number of tickets."))
    cost = _decimal_field("cost", gettext_lazy("The day's total cost for this pilot, in euros."))
    qa_sampled = _count_field(
        "qa_sampled",
        gettext_lazy("Interactions your QA reviewed; at least 50 a month are needed."),
        required=False,
    )
    # The extra KPIs' daily fields (optional), one per row of the KPI table's daily fields.
    for _name in EXTRA_DAILY_FIELDS:
        vars()[_name] = _count_field(_name, required=False)
    del _name
    note = forms.CharField(
        label=_label("note"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for correcting a final day"),
        required=False,
        strip=True,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Only for a day the decision was based on: say why it is corrected."
        ),
    )

    def __init__(
        self,
        *args,
        period: KpiPeriod,
        today: date | None = None,
        localized: bool = True,
        may_correct_final: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.period = period
        self.today = today
        self.may_correct_final = may_correct_final
        for name in (*COUNT_FIELDS, *DECIMAL_FIELDS):
            self.fields[name].localize = localized

    def clean(self) -> dict:
        data = super().clean()
        self._check_day(data.get("day"))
        numbers = {}
        for name in (*COUNT_FIELDS, *DECIMAL_FIELDS):
            number = data.get(name)
            if number is None or name in self.errors:
                continue
            if number < 0:
                self.add_error(name, _("Must not be negative."))
            elif name in DECIMAL_FIELDS and number.normalize().as_tuple().exponent < -2:
                self.add_error(name, _("Use at most 2 decimal places."))
            else:
                numbers[name] = number
        self._check_ranges(numbers)
        self._check_extras(numbers)
        note = data.get("note") or ""
        if len(note) > MAX_NOTE_LENGTH and "note" not in self.errors:
            self.add_error(
                "note", _("Keep the note under %(max)s characters.") % {"max": MAX_NOTE_LENGTH}
            )
        return data

    def _check_day(self, day: date | None) -> None:
        if day is None:
            return
        period = self.period
        today = app_today() if self.today is None else self.today
        if day < period.start_date or day > period.end_date:
            # Each period words this itself ("outside the pilot", "outside the contract").
            outside = period.OUTSIDE_MESSAGE
            self.add_error(
                "day",
                str(outside)
                % {
                    "day": date_format(day, "DATE_FORMAT"),
                    "start": date_format(period.start_date, "DATE_FORMAT"),
                    "end": date_format(period.end_date, "DATE_FORMAT"),
                },
            )
        elif day > today:
            self.add_error(
                "day",
                _("%(day)s lies in the future: enter a day once it has begun.")
                % {"day": date_format(day, "DATE_FORMAT")},
            )
        elif corrects_final_day(period, day):
            self._check_final_day(day)

    def _check_final_day(self, day: date) -> None:
        """docs/domain.md §5: a vendor may not change a day the decision was based on; procurement
        may, with a written reason."""
        when = date_format(day, "DATE_FORMAT")
        if not self.may_correct_final:
            self.add_error(
                "day",
                _(
                    "%(day)s is final: the decision was based on it. Procurement may correct "
                    "it, with a reason."
                )
                % {"day": when},
            )
        elif not self.cleaned_data.get("reason") and "reason" not in self.errors:
            self.add_error(
                "reason",
                _("%(day)s is final: give the reason for correcting it.") % {"day": when},
            )

    def _check_ranges(self, numbers: dict[str, Decimal | int]) -> None:
        def cap(name: str, limit: Decimal | int, message: str) -> None:
            if name in numbers and numbers[name] > limit:
                self.add_error(name, message)
                del numbers[name]

        cap(
            "tickets",
            MAX_TICKETS_PER_DAY,
            _("More than %(max)s tickets in one day is not plausible: check the number.")
            % {"max": _n(MAX_TICKETS_PER_DAY)},
        )
        cap(
            "csat_responses",
            MAX_TICKETS_PER_DAY,
            _("More than %(max)s CSAT responses in one day is not plausible: check the number.")
            % {"max": _n(MAX_TICKETS_PER_DAY)},
        )
        cap(
            "frt_minutes",
            MAX_FRT_MINUTES,
            _("An average first response time above %(max)s minutes (a week) is not plausible.")
            % {"max": _n(MAX_FRT_MINUTES)},
        )
        cap(
            "aht_minutes",
            MAX_AHT_MINUTES,
            _("An average handle time above %(max)s minutes (a day) is not plausible.")
            % {"max": _n(MAX_AHT_MINUTES)},
        )
        if (
            "csat_positive" in numbers
            and "csat_responses" in numbers
            and numbers["csat_positive"] > numbers["csat_responses"]
        ):
            self.add_error("csat_positive", _("Cannot exceed the number of CSAT responses."))
        if "tickets" in numbers:
            tickets = numbers["tickets"]
            if "fcr_resolved" in numbers and numbers["fcr_resolved"] > tickets:
                self.add_error("fcr_resolved", _("Cannot exceed the number of tickets."))
            if "qa_sampled" in numbers and numbers["qa_sampled"] > tickets:
                self.add_error("qa_sampled", _("Cannot exceed the number of tickets."))
            if "cost" in numbers and numbers["cost"] > MAX_COST_PER_TICKET * max(tickets, 1):
                self.add_error(
                    "cost",
                    _(
                        "More than %(max)s per ticket is not plausible: enter the day's total "
                        "cost in euros."
                    )
                    % {"max": format_eur(MAX_COST_PER_TICKET, 0)},
                )

    def _check_extras(self, numbers: dict[str, Decimal | int]) -> None:
        """The extra KPIs' fields (docs/domain.md §5 library): given together, plausible, and
        consistent with each other — every error at once, each on its field."""
        given = {name for name in EXTRA_DAILY_FIELDS if self.cleaned_data.get(name) is not None}
        for name in EXTRA_DAILY_FIELDS:
            if name in numbers and numbers[name] > MAX_TICKETS_PER_DAY:
                self.add_error(
                    name,
                    _("More than %(max)s in one day is not plausible: check the number.")
                    % {"max": _n(MAX_TICKETS_PER_DAY)},
                )
                del numbers[name]
        for group in TOGETHER:
            if given & set(group):
                for name in group:
                    if name not in given and name not in self.errors:
                        self.add_error(
                            name,
                            _("Give %(fields)s together: this one is missing.")
                            % {"fields": ", ".join(_name_in_text(f) for f in group)},
                        )
        for name, needed in NEEDS.items():
            if name in given and needed not in given and needed not in self.errors:
                self.add_error(
                    needed,
                    _("Give the %(needed)s with the %(field)s.")
                    % {"needed": _name_in_text(needed), "field": _name_in_text(name)},
                )
        for name in EXTRA_DAILY_FIELDS:
            for limit in DAILY_FIELDS_BY_NAME[name].at_most:
                if name in numbers and limit in numbers and numbers[name] > numbers[limit]:
                    self.add_error(
                        name, _("Cannot exceed the %(field)s.") % {"field": _name_in_text(limit)}
                    )
        parts = ("nps_responses", "nps_promoters", "nps_detractors")
        if all(name in numbers for name in parts):
            responses, promoters, detractors = (numbers[name] for name in parts)
            if promoters + detractors > responses:
                self.add_error(
                    "nps_promoters",
                    _("Promoters and detractors together cannot exceed the NPS responses."),
                )

    def first_errors(self) -> dict[str, str]:
        """{field: its first message}: what the CSV report and the API name."""
        return {name: str(errors[0]) for name, errors in self.errors.items()}

    def values(self) -> dict[str, object]:
        """The typed values (after `is_valid()`); an empty QA sample counts as none sampled."""
        data = {name: self.cleaned_data.get(name) for name in VALUE_FIELDS}
        if data.get("qa_sampled") is None:
            data["qa_sampled"] = 0
        data["reason"] = self.cleaned_data.get("reason", "")
        return data


# --- Sums in the database (docs/domain.md §5: pooled, never a mean) --------------------------------


class DatePlusDays(Func):
    """`date + n days` with `n` an expression (a column or a value), portable.

    PostgreSQL adds an integer to a date natively; SQLite needs its date() function. Used
    for windows that differ per owner: day N is `start_date + N − 1` (docs/domain.md §5).
    """

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        template = "(%(expressions)s)"
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=" + ", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return f"({date_sql} + ({days_sql})::integer)", (*date_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return (
            f"date({date_sql}, '+' || CAST({days_sql} AS INTEGER) || ' days')",
            (*date_params, *days_params),
        )


def kpi_sums(only: Q | None = None) -> dict:
    """The aggregates a `KpiTotals` is made of, keyed `sum_<term>`: one Sum per term of the
    KPI table (`kpis.definitions.SUM_TERMS`), over the days that have the term's fields
    (and, with `only`, match it: one query can then sum a part of the days it reads).

    Aliases differ from the field names: an annotation named "tickets" would shadow the
    field inside F("tickets")."""
    weighted = DecimalField(max_digits=20, decimal_places=4)
    sums: dict[str, object] = {"days_with_entry": Count("id", filter=only)}
    for name, term in SUM_TERMS.items():
        expression = (
            ExpressionWrapper(F(term.field) * F(term.weight), output_field=weighted)
            if term.weight
            else F(term.field)
        )
        only_when = Q(**{f"{field}__isnull": False for field in term.when}) if term.when else None
        if only is not None:
            only_when = only if only_when is None else only & only_when
        sums[name] = Sum(expression, filter=only_when)
    return {f"sum_{name}": aggregate for name, aggregate in sums.items()}


def totals_from_sums(row: Mapping[str, object]) -> KpiTotals:
    """A `KpiTotals` from a row annotated with `kpi_sums()`."""
    return KpiTotals.from_row(row, prefix="sum_")


def kpi_totals_by(entries: QuerySet, by: str) -> dict[object, KpiTotals]:
    """Sum the entries per `by` (e.g. "pilot_id") in one query. Groups without an entry are
    absent from the result: use `KpiTotals()`."""
    rows = entries.order_by().values(by).annotate(**kpi_sums())
    return {row[by]: totals_from_sums(row) for row in rows}


def kpi_totals(entries: QuerySet) -> KpiTotals:
    """Sum all the entries in one query."""
    return totals_from_sums(entries.order_by().aggregate(**kpi_sums()))


# --- The one write path ----------------------------------------------------------------------


def kpi_day_errors(
    *, period: KpiPeriod, day: date | None, values: Mapping[str, object], today: date
) -> dict[str, str]:
    """{field: message} for one day's values (typed, or text with a decimal point)."""
    form = KpiDayForm({"day": day, **values}, period=period, today=today, localized=False)
    return {} if form.is_valid() else form.first_errors()


def lock_owner(owner: Model) -> Model:
    """Lock the owner's row and return it as stored. THE lock order of every KPI write: the
    owner (a pilot, a contract) first, then its entries in date order. Two writers of the
    same owner (a CSV upload, API PUTs) then queue instead of deadlocking on each other's
    entry rows, and each sees the owner as it is now (its status, its final days)."""
    return type(owner)._default_manager.select_for_update().get(pk=owner.pk)


@retry_on_conflict
def kpi_day_upsert(
    *,
    owner: Model,
    entry_model: type[Model],
    owner_field: str,
    day: date,
    values: Mapping[str, object],
    by,
    source: str,
    today: date,
) -> tuple[Model, bool]:
    """Save one day's KPIs of `owner` (a pilot, a contract) as `entry_model` rows linked by
    `owner_field`: create the day's entry, or edit it when the day has one.

    Returns (entry, created). Raises ValidationError({field: message}) and saves nothing when a
    rule fails. simple-history keeps every version (who: `by`; `source` says whether it came
    through the form, the CSV import or the API). An entry made after its day is marked late;
    editing it later keeps the flag it was made with. Fields missing from `values` (e.g.
    `qa_sampled`, `note` through the API) keep their value.

    Runs in one transaction, re-run on a deadlock or serialization failure
    (`common.db.retry_on_conflict`; inside a caller's transaction the caller retries).
    """
    owner = lock_owner(owner)
    form = KpiDayForm(
        {"day": day, **values},
        period=owner,
        today=today,
        localized=False,
        may_correct_final=bool(getattr(by, "is_procurement", False)),
    )
    if not form.is_valid():
        raise ValidationError(form.first_errors())
    # A field left out keeps its value; an extra's field given empty clears it (the form
    # page always gives every field; the API only those in the request).
    cleaned = {
        name: form.cleaned_data.get(name)
        for name in VALUE_FIELDS
        if name in values
        and (form.cleaned_data.get(name) is not None or name in EXTRA_DAILY_FIELDS)
    }
    corrected_final = corrects_final_day(owner, day)
    if corrected_final:
        cleaned["correction_reason"] = form.cleaned_data["reason"]
    for name in DECIMAL_FIELDS:
        cleaned[name] = cleaned[name].quantize(Decimal("0.01"))
    lookup = {owner_field: owner, "day": day}

    # Already one transaction (retry_on_conflict): no savepoint of its own — an error leaves
    # this function and rolls the whole write back.
    with transaction.atomic(savepoint=False):
        entry = entry_model.objects.select_for_update().filter(**lookup).first()
        created = entry is None
        if created:
            entry = entry_model(**lookup, entered_by=by, late=today > day)
        for name, value in cleaned.items():
            setattr(entry, name, value)
        # The database constraints stand behind the rules above; one-entry-per-day is settled
        # by the unique constraint itself below, not by a racy look-up. The owner (locked
        # above) and the writer exist: no query to prove it.
        entry.full_clean(exclude=[owner_field, "entered_by"], validate_constraints=False)
        entry._history_user = by
        entry._change_reason = source
        # For the caller: this write corrected a final day (as the locked owner said).
        entry.corrected_final_day = corrected_final
        if not created:
            entry.save()
            _emit_saved(entry, owner_field=owner_field, created=False, source=source)
            return entry, False
        try:
            # A concurrent first save of the same day: the unique constraint decides, and
            # the loser edits the winner's row instead (the savepoint keeps our transaction).
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            if not entry_model.objects.filter(**lookup).exists():
                raise  # not the race: a constraint the rules should have caught
        else:
            _emit_saved(entry, owner_field=owner_field, created=True, source=source)
            return entry, True
    return kpi_day_upsert(
        owner=owner,
        entry_model=entry_model,
        owner_field=owner_field,
        day=day,
        values=values,
        by=by,
        source=source,
        today=today,
    )


def _emit_saved(entry: Model, *, owner_field: str, created: bool, source: str) -> None:
    """The day's event (webhooks), in the save's transaction: a rolled-back save sends none."""
    events.emit(
        events.KPI_DAY_SAVED,
        [
            {
                "owner": owner_field,  # "pilot" or "contract"
                f"{owner_field}_id": getattr(entry, f"{owner_field}_id"),
                "entry_id": entry.pk,
                "day": entry.day.isoformat(),
                "created": created,
                "late": entry.late,
                "source": source,
            }
        ],
    )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@retry_on_conflict
def kpi_days_import(
    *,
    owner: Model,
    entry_model: type[Model],
    owner_field: str,
    rows: Iterable[tuple[date, Mapping[str, object]]],
    by,
    source: str,
    today: date,
) -> ImportResult:
    """All rows or none: one transaction; the first failing row rolls every row back. The
    owner is locked first and the rows are written in date order (`lock_owner`)."""
    created = updated = 0
    rows = sorted(rows, key=lambda row: row[0])
    owner = lock_owner(owner)
    with transaction.atomic():
        for day, values in rows:
            _entry, was_created = kpi_day_upsert(
                owner=owner,
                entry_model=entry_model,
                owner_field=owner_field,
                day=day,
                values=values,
                by=by,
                source=source,
                today=today,
            )
            created += was_created
            updated += not was_created
    return ImportResult(created=created, updated=updated)
