"""docs/domain.md §8 "Numbers as people type them": the one reader (`common.numbers`) and every
place a person types a number (each form field, pasted hourly weights, fee lines), in
English and in Dutch. The expected values are the checks written in §8, by hand."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from common.numbers import NumberError, read_number
from common.strict import StrictDecimalField, StrictIntegerField

# §8's checks: (language, typed, the number) — None: refused.
CHECKS = [
    ("en", "1,500", Decimal("1500.00")),
    ("en", "6,5", None),
    ("nl", "2.500", Decimal("2500.00")),
    ("nl", "6,5", Decimal("6.50")),
    ("nl", "1.200,75", Decimal("1200.75")),
    ("en", "1,200.75", Decimal("1200.75")),
    ("en", "12,34", None),
]
# Refused, with the words that show how to write it.
REFUSED = [
    ("en", "6,5", "write 6.5"),
    ("nl", "6.5", "schrijf 6,5"),
    ("en", "12,34", "write 12.34"),
    ("en", "1,50,0", "Group the digits in threes, as in 1,500.50"),
    ("nl", "1.50.0", "Groepeer de cijfers per drie, zoals in 1.500,50"),
    ("en", "1.500,50", "write 1,500.50"),  # a group separator after the decimal mark
    ("en", "1,000.000,5", "Only digits follow the decimal mark"),
    ("nl", "1,000.000,5", "Gebruik één decimaalteken"),  # two decimal marks
    ("en", "1.2.3", "Use one decimal mark"),
    ("en", "1_000", "Enter a number. For example 1,500.50."),
    ("nl", "1e5", "Vul een getal in. Bijvoorbeeld 1.500,50."),
]


def _id(case) -> str:
    return f"{case[0]}:{case[1]}"


@pytest.mark.parametrize("case", CHECKS, ids=_id)
def test_the_reader_does_the_checks_of_domain_8(case):
    language, typed, number = case
    if number is None:
        with pytest.raises(NumberError):
            read_number(typed, language)
    else:
        assert read_number(typed, language) == number


@pytest.mark.parametrize("case", REFUSED, ids=_id)
def test_what_could_mean_two_things_is_refused_with_how_to_write_it(case):
    language, typed, words = case
    with translation.override(language), pytest.raises(NumberError) as caught:
        read_number(typed, language)
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("language", "typed", "number"),
    [
        ("en", "1,500,000.5", Decimal("1500000.5")),
        ("nl", "1.500.000,5", Decimal("1500000.5")),
        ("en", "-3.25", Decimal("-3.25")),
        ("nl", " 0,5 ", Decimal("0.5")),
        ("en", "2500", Decimal("2500")),
        ("nl", "2500", Decimal("2500")),
        ("en", "1.500", Decimal("1.5")),  # a point is the English decimal mark
        ("nl", "1,500", Decimal("1.5")),  # a comma is the Dutch decimal mark
    ],
)
def test_plain_and_grouped_numbers_read_as_written(language, typed, number):
    assert read_number(typed, language) == number


# --- every place a person types a number ---------------------------------------------------


def _rfq():
    from procurement.models import Rfq, RfqChannel
    from tests.factories import ProcurementUserFactory

    rfq = Rfq.objects.create(
        title="Desk",
        reference="RFQ-2026-001",
        owner=ProcurementUserFactory(),
        quote_deadline=datetime(2026, 12, 1, tzinfo=UTC),
        term_months=12,
    )
    RfqChannel.objects.create(rfq=rfq, channel="email", volume_per_month=500, aht_minutes=10)
    return rfq


def _quote_form(data=None, initial=None):
    from procurement.forms import QuoteForm

    return QuoteForm(data, rfq=_rfq(), initial=initial)


def _rfq_form(data=None, initial=None):
    from procurement.forms import RfqForm

    return RfqForm(data, initial=initial)


def _channel_form(data=None, initial=None):
    from procurement.forms import ChannelForm

    prefixed = None if data is None else {f"email-{k}": v for k, v in data.items()}
    return ChannelForm(prefixed, channel="email", initial=initial)


def _calculator_form(data=None, initial=None):
    from costing.forms import CalculatorForm

    return CalculatorForm(data, initial=initial)


def _staffing_form(data=None, initial=None):
    from costing.forms import StaffingForm

    prefixed = None if data is None else {f"chat-{k}": v for k, v in data.items()}
    return StaffingForm(prefixed, initial=initial, prefix="chat")


def _risk_form(data=None, initial=None):
    from procurement.forms import RiskItemForm

    return RiskItemForm(data, initial=initial)


def _pilot_form(data=None, initial=None):
    from pilots.forms import PilotForm

    return PilotForm(data, initial=initial)


def _contract_form(data=None, initial=None):
    from contracts.forms import ContractForm

    return ContractForm(data, initial=initial)


def _kpi_form(data=None, initial=None):
    from kpis.days import KpiDayForm
    from tests.pilots.factories import PilotFactory

    return KpiDayForm(data, period=PilotFactory(), initial=initial)


# (form, field): each field a person types money, a rate, a time or a count in.
PLACES = [
    pytest.param(_quote_form, "onboarding_fee", id="quote-fee"),
    pytest.param(_quote_form, "hourly_rate", id="quote-rate"),
    pytest.param(_quote_form, "per_ticket_rate", id="quote-ticket-rate"),
    pytest.param(_rfq_form, "ih_gross_salary_month", id="rfq-in-house-salary"),
    pytest.param(_rfq_form, "ih_one_time", id="rfq-in-house-one-time"),
    pytest.param(_channel_form, "aht_minutes", id="rfq-handle-time"),
    pytest.param(_channel_form, "volume_per_month", id="rfq-volume"),
    pytest.param(_calculator_form, "gross_salary_month", id="calculator-salary"),
    pytest.param(_calculator_form, "hourly_rate", id="calculator-rate"),
    pytest.param(_calculator_form, "aht_minutes", id="calculator-handle-time"),
    pytest.param(_staffing_form, "contacts_per_interval", id="staffing-contacts"),
    pytest.param(_risk_form, "impact", id="risk-impact"),
    pytest.param(_pilot_form, "target_cost_per_ticket", id="pilot-target"),
    pytest.param(_contract_form, "monthly_charge", id="contract-monthly-charge"),
    pytest.param(_kpi_form, "cost", id="kpi-day-cost"),
    pytest.param(_kpi_form, "tickets", id="kpi-day-tickets"),
]


def _whole(number: Decimal) -> bool:
    return number == number.to_integral_value()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CHECKS, ids=_id)
@pytest.mark.parametrize(("make", "name"), PLACES)
def test_every_form_field_reads_the_checks_of_domain_8(make, name, case):
    language, typed, number = case
    with translation.override(language):
        form = make({name: typed})
        field = form.fields[name]
        if number is None:
            form.is_valid()
            assert form.errors.get(name), (name, typed)
            assert "could mean two things" in " ".join(form.errors[name])
        elif not isinstance(field, forms.DecimalField) and not _whole(number):
            with pytest.raises(ValidationError):
                field.to_python(typed)
        else:
            assert field.to_python(typed) == number


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "name"), PLACES)
@pytest.mark.parametrize(
    ("language", "shown"), [("en", "2,500"), ("nl", "2.500")], ids=["en", "nl"]
)
def test_a_field_shows_its_number_in_the_language_and_reads_it_back(make, name, language, shown):
    with translation.override(language):
        form = make(initial={name: Decimal("2500.00")})
        field = form.fields[name]
        html = str(form[name])
        assert f'value="{shown}' in html, html
        assert 'type="number"' not in html  # a browser's number input cannot take 1,500
        rendered = html.split('value="', 1)[1].split('"', 1)[0]
        assert field.to_python(rendered) == Decimal("2500")


def test_the_dutch_page_shows_cents_with_a_comma():
    with translation.override("nl"):
        field = StrictDecimalField(decimal_places=2)
        assert field.widget.format_value(Decimal("2500.00")) == "2.500,00"
        assert field.to_python("2.500,00") == Decimal("2500.00")


# --- the other typed doors: pasted hourly weights and fee lines ------------------------------


@pytest.mark.parametrize("case", CHECKS, ids=_id)
def test_pasted_hourly_weights_read_the_checks(case):
    from procurement.scope import parse_hourly_weights

    language, typed, number = case
    pasted = f"Calls\n{typed}\n1"
    with translation.override(language):
        if number is None:
            with pytest.raises(ValidationError) as caught:
                parse_hourly_weights(pasted, language=language)
            assert "could mean two things" in caught.value.messages[0]
        else:
            assert parse_hourly_weights(pasted, language=language) == [number, 1]


@pytest.mark.parametrize("case", CHECKS, ids=_id)
def test_fee_lines_read_the_checks(case):
    from procurement.fees import parse_other_fees

    language, typed, number = case
    with translation.override(language):
        if number is None:
            with pytest.raises(ValidationError) as caught:
                parse_other_fees(f"Reporting; {typed}; month", language=language)
            assert "could mean two things" in str(caught.value.message_dict)
        else:
            (fee,) = parse_other_fees(f"Reporting; € {typed}; month", language=language)
            assert Decimal(fee["amount"]) == number


def test_fee_lines_and_weights_show_back_in_the_language():
    from procurement.fees import other_fees_as_text, parse_other_fees
    from procurement.scope import parse_hourly_weights, weights_as_text

    fees = [{"label": "Reporting", "amount": "1500.50", "per": "month"}]
    assert other_fees_as_text(fees, "nl") == "Reporting; 1.500,50; month"
    assert parse_other_fees(other_fees_as_text(fees, "nl"), language="nl") == fees
    assert weights_as_text(["1500", "2.5"], "nl") == "1.500\n2,5"
    assert parse_hourly_weights("1.500\n2,5", language="nl") == [Decimal(1500), Decimal("2.5")]


def test_the_api_rows_keep_json_numbers_and_point_strings():
    from procurement.fees import parse_other_fees
    from procurement.scope import parse_hourly_weights

    assert parse_hourly_weights([1, "2.5", 3.25]) == [1, Decimal("2.5"), Decimal("3.25")]
    with pytest.raises(ValidationError):
        parse_hourly_weights(["1,500"])  # no grouping in the API
    fees = parse_other_fees([{"label": "Setup", "amount": "1500.5", "per": "once"}])
    assert fees[0]["amount"] == "1500.50"
    with pytest.raises(ValidationError):
        parse_other_fees([{"label": "Setup", "amount": "1,500", "per": "once"}])


# --- no number field escapes the reader ------------------------------------------------------

FORM_MODULES = [
    "accounts.forms",
    "procurement.forms",
    "costing.forms",
    "pilots.forms",
    "kpis.days",
    "kpis.forms",
    "pilots.evaluation.forms",
    "contracts.forms",
]


def _form_classes():
    for module_name in FORM_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def test_every_number_field_of_every_form_is_read_by_the_one_reader():
    escaped = []
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
                typed = not field.widget.is_hidden
                one_reader = isinstance(field, StrictDecimalField | StrictIntegerField)
                if typed and not (one_reader and field.localize):
                    escaped.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert escaped == []
