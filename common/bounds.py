"""Plausible bounds on every number a person types, defined once (docs/domain.md's sizes of a
customer-service desk, with a wide margin) and shared by the Django forms, the model fields
and the API schemas, so a page and the API refuse the same input with the same words.

99,999,999,999 e-mails a month is a typo, not a desk: it is refused with "Enter at most
10,000,000 contacts a month." rather than priced as a €3.4 trillion baseline. Limits are
formatted by `common.formats` in the user's language (never "≤ 1E+12").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from common.formats import format_decimal, format_eur

# How a limit is written: a count, money or a plain decimal.
COUNT, MONEY, NUMBER = "count", "money", "number"


@dataclass(frozen=True)
class Bound:
    high: Decimal
    text: Promise  # "Enter at most %(limit)s contacts a month."
    kind: str = NUMBER

    @property
    def limit_text(self) -> str:
        if self.kind == MONEY:
            return format_eur(self.high)
        return format_decimal(self.high, 0 if self.high == self.high.to_integral() else 2)

    @property
    def message(self) -> str:
        return str(self.text) % {"limit": self.limit_text}

    def exceeded_by(self, value: Any) -> bool:
        if value is None or value == "":
            return False
        try:
            return Decimal(str(value)) > self.high
        except (InvalidOperation, ValueError):
            return False  # not a number: the field's own check says so


def _b(high: int | str, text: Promise, kind: str = NUMBER) -> Bound:
    return Bound(Decimal(high), text, kind)


VOLUME = _b(10_000_000, _("Enter at most %(limit)s contacts a month."), COUNT)
VISITORS = _b(100_000_000, _("Enter at most %(limit)s visitors a day."), COUNT)
AHT = _b(480, _("Enter at most %(limit)s minutes per contact."), COUNT)
RESPONSE_MINUTES = _b(10_080, _("Enter at most %(limit)s minutes (a week)."), COUNT)
HOURS_PER_MONTH = _b(744, _("A month has at most %(limit)s hours."), COUNT)
HOURS_PER_YEAR = _b(8_784, _("A year has at most %(limit)s hours."), COUNT)
HOURS_PER_WEEK = _b(168, _("A week has at most %(limit)s hours."), COUNT)
PEOPLE = _b(100_000, _("Enter at most %(limit)s people."), COUNT)
SALARY = _b(100_000, _("Enter at most %(limit)s a month per person."), MONEY)
PER_PERSON_MONTH = _b(50_000, _("Enter at most %(limit)s a month per person."), MONEY)
HOURLY_RATE = _b(1_000, _("Enter at most %(limit)s an hour."), MONEY)
TICKET_RATE = _b(1_000, _("Enter at most %(limit)s per ticket."), MONEY)
MONTHLY = _b(10_000_000, _("Enter at most %(limit)s a month."), MONEY)
ONE_TIME = _b(100_000_000, _("Enter at most %(limit)s."), MONEY)
TRAINING_HOURS = _b(2_000, _("Enter at most %(limit)s hours per agent."), COUNT)
PERCENTAGE = _b(100, _("Enter a percentage of at most %(limit)s."), COUNT)
FACTOR = _b(100, _("Enter a factor of at most %(limit)s."), COUNT)
DAYS = _b(3_650, _("Enter at most %(limit)s days (ten years)."), COUNT)
MONTHS = _b(120, _("Enter at most %(limit)s months."), COUNT)
SAMPLES = _b(1_000_000, _("Enter at most %(limit)s samples a month."), COUNT)
CONTACTS_PER_INTERVAL = _b(1_000_000, _("Enter at most %(limit)s contacts per interval."), COUNT)
SECONDS = _b(86_400, _("Enter at most %(limit)s seconds (a day)."), COUNT)
WEIGHT = _b(1_000_000, _("Enter a weight of at most %(limit)s."), COUNT)
INTERVAL = _b(1_440, _("Enter at most %(limit)s minutes (a day)."), COUNT)
CONCURRENCY = _b(20, _("Enter at most %(limit)s contacts at once."), COUNT)

# Field names as the forms, models and API call them; one bound may serve several names.
BOUNDS: dict[str, Bound] = {
    "volume_per_month": VOLUME,
    "visitors_per_day": VISITORS,
    "aht_minutes": AHT,
    "target_aht_minutes": AHT,
    "target_frt_minutes": RESPONSE_MINUTES,
    "frt_minutes": RESPONSE_MINUTES,
    "sla_response_minutes": RESPONSE_MINUTES,
    "sla_email_response_minutes": RESPONSE_MINUTES,
    "sla_chat_response_minutes": RESPONSE_MINUTES,
    "sla_phone_response_minutes": RESPONSE_MINUTES,
    "productive_hours_per_fte_month": HOURS_PER_MONTH,
    "ih_productive_hours_per_fte_month": HOURS_PER_MONTH,
    "productive_hours_per_month": HOURS_PER_MONTH,
    "productive_hours_per_year": HOURS_PER_YEAR,
    "coverage_hours_per_week": HOURS_PER_WEEK,
    "hours_per_week": HOURS_PER_WEEK,
    "ih_hours_per_week": HOURS_PER_WEEK,
    "fte": PEOPLE,
    "in_house_fte": PEOPLE,
    "ih_fte": PEOPLE,
    "agents": PEOPLE,
    "agents_offered": PEOPLE,
    "gross_salary_month": SALARY,
    "ih_gross_salary_month": SALARY,
    "overhead_per_fte_month": PER_PERSON_MONTH,
    "ih_overhead_per_fte_month": PER_PERSON_MONTH,
    "licences_per_fte_month": PER_PERSON_MONTH,
    "ih_licences_per_fte_month": PER_PERSON_MONTH,
    "licences_per_agent_month": PER_PERSON_MONTH,
    "hourly_rate": HOURLY_RATE,
    "onboarding_hourly_rate": HOURLY_RATE,
    "per_ticket_rate": TICKET_RATE,
    "target_cost_per_ticket": TICKET_RATE,
    "cost_per_ticket": TICKET_RATE,
    "monthly_fee": MONTHLY,
    "management_per_month": MONTHLY,
    "management_fee_per_month": MONTHLY,
    "own_management_per_month": MONTHLY,
    "one_time": ONE_TIME,
    "other_fee": ONE_TIME,
    "in_house_one_time": ONE_TIME,
    "ih_one_time": ONE_TIME,
    "onboarding_fee": ONE_TIME,
    "integration_one_time": ONE_TIME,
    "exit_fee": ONE_TIME,
    "impact": ONE_TIME,
    "onboarding_hours_per_agent": TRAINING_HOURS,
    "training_hours_per_agent": TRAINING_HOURS,
    "scale_up_days": DAYS,
    "notice_period_days": DAYS,
    "minimum_term_months": MONTHS,
    "qa_samples_per_month": SAMPLES,
    "contacts_per_interval": CONTACTS_PER_INTERVAL,
    "aht_seconds": SECONDS,
    "target_answer_seconds": SECONDS,
    "answer_seconds": SECONDS,
    "hourly_weight": WEIGHT,
    "concurrency": CONCURRENCY,
    "interval_minutes": INTERVAL,
    "percentage": PERCENTAGE,
    **{
        f"{scenario}_{part}": FACTOR
        for scenario in ("pessimistic", "realistic", "optimistic")
        for part in ("volume", "aht")
    },
}


def bound_for(name: str) -> Bound | None:
    return BOUNDS.get(name)


def check_bound(name: str, value: Any) -> None:
    """Raise Django's ValidationError in words when `value` is past the bound of `name`."""
    bound = BOUNDS.get(name)
    if bound is not None and bound.exceeded_by(value):
        raise ValidationError(bound.message, code="implausible")


def bound_validator(name: str) -> Callable[[Any], None]:
    """A Django validator for a form or model field named (or bounded like) `name`."""
    return BoundValidator(name)


@dataclass(frozen=True)
class BoundValidator:
    """Deconstructible (model fields keep it in migrations by name, not by limit)."""

    name: str

    def __call__(self, value: Any) -> None:
        check_bound(self.name, value)

    def deconstruct(self) -> tuple[str, tuple[str], dict[str, Any]]:
        return ("common.bounds.BoundValidator", (self.name,), {})


@dataclass(frozen=True)
class _UnlessPastBound:
    """A field's own size check (digits, maximum) that stays quiet when the bound already
    refuses the value, so a person reads one message, in words."""

    validator: Callable[[Any], None]
    bound: Bound

    def __call__(self, value: Any) -> None:
        if not self.bound.exceeded_by(value):
            self.validator(value)


def bound_name(field_name: str) -> str | None:
    """The table's name for a field: its own, or PERCENTAGE's for any `…_pct`."""
    if field_name in BOUNDS:
        return field_name
    if field_name.endswith("_pct"):
        return "percentage"
    return None


def bound_form_fields(form: Any) -> None:
    """Give each number field of a form the bound the table holds for its name, in words,
    in place of Django's maximum ("Ensure this value is less than or equal to 1E+12")."""
    for field_name, field in form.fields.items():
        name = bound_name(field_name)
        if name is None or not hasattr(field, "max_value"):
            continue
        bound = BOUNDS[name]
        field.max_value = None
        kept = [
            _UnlessPastBound(v, bound) if isinstance(v, DecimalValidator) else v
            for v in field.validators
            if not isinstance(v, MaxValueValidator)
        ]
        field.validators = [BoundValidator(name), *kept]


def _pydantic_check(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        bound = BOUNDS[name]
        if bound.exceeded_by(value):
            # A custom error keeps the message as is (no "Value error, " before it).
            raise PydanticCustomError("implausible", bound.message)
        return value

    return check


def api_bound(name: str) -> AfterValidator:
    """`volume_per_month: Annotated[Decimal, api_bound("volume_per_month")]` in a schema."""
    table_name = bound_name(name)
    if table_name is None:
        raise KeyError(name)
    return AfterValidator(_pydantic_check(table_name))


def Bounded(kind: Any, name: str) -> Any:  # noqa: N802 - reads as a type in schemas
    return Annotated[kind, api_bound(name)]
