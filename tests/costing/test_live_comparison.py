"""Issue 11 through the comparison: live channels staffed per open hour on both sides, seat
hours against workload hours, scenarios and the transition per quote, on the page, in the
API and in the exports; a constant number of queries for ten quotes over three channels."""

import csv
import io
from datetime import time
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from costing.comparison import build_comparison
from costing.engine import in_house_cost, quote_scenarios
from costing.selectors import submitted_quotes_for_comparison
from tests.costing.factories import QuoteFactory, RfqFactory, RiskItemFactory
from tests.costing.test_xlsx import Book
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_rfq(procurement_user):
    """docs/domain.md §1's check: 6,000 calls a month, 4 min, 09:00–17:00 on 5 days, 80/20."""
    return RfqFactory(
        owner=procurement_user,
        ih_fte=None,
        opens_at=time(9),
        closes_at=time(17),
        days_per_week=5,
        channels=[("phone", 6000, "4")],
    )


def _live(rfq):
    # Factories create channels without the service's defaults: set them as a form would.
    rfq.channels.filter(channel="phone").update(
        concurrency=1, service_level_pct=80, answer_seconds=20
    )
    rfq.channels.filter(channel="chat").update(
        concurrency=Decimal("1.7"), service_level_pct=80, answer_seconds=60
    )
    return rfq


def test_the_phone_check_through_the_comparison_api(api_as, procurement_user, phone_rfq, vendor_a):
    _live(phone_rfq)
    quote = QuoteFactory(rfq=phone_rfq, vendor=vendor_a)  # €18 an hour
    api = api_as(procurement_user)

    body = api.get(f"/api/v1/rfqs/{phone_rfq.pk}/comparison").json()

    staffing = body["staffing"]
    assert (staffing["seat_hours_per_month"], staffing["peak_seats"]) == ("840.00", 5)
    assert [(h["contacts"], h["erlangs"], h["seats"]) for h in staffing["hours"]] == [
        ("35.71", "2.38", 5)
    ] * 8
    (phone,) = body["channels"]
    assert (phone["seat_hours_per_month"], phone["workload_hours_per_month"]) == (
        "840.00",
        "400.00",
    )
    assert body["in_house"]["fte"] == "5.00"  # 840 seat hours / 168 paid hours (docs/domain.md §1)
    (column,) = body["quotes"]
    # The hourly vendor bills the 840 seat hours, not the 400 workload hours.
    assert column["outsourced"]["monthly"] == "15120.00"
    assert column["outsourced"]["transition"] == "0.00"
    tco = api.get(f"/api/v1/quotes/{quote.pk}/tco").json()
    assert (tco["fte_required"], tco["workload_hours_per_month"]) == ("5.25", "400.00")
    assert tco["staffing"] == staffing


def test_each_quote_carries_its_three_scenarios(api_as, procurement_user, phone_rfq, vendor_a):
    _live(phone_rfq)
    QuoteFactory(rfq=phone_rfq, vendor=vendor_a)

    (column,) = (
        api_as(procurement_user).get(f"/api/v1/rfqs/{phone_rfq.pk}/comparison").json()["quotes"]
    )

    scenarios = column["scenarios"]
    assert list(scenarios) == ["pessimistic", "realistic", "optimistic"]
    in_house_tco = (
        api_as(procurement_user)
        .get(f"/api/v1/rfqs/{phone_rfq.pk}/comparison")
        .json()["in_house"]["tco"]
    )
    assert scenarios["realistic"] == {
        "tco": column["outsourced"]["tco"],
        "savings": column["savings"],
        "in_house_tco": in_house_tco,
    }
    # More calls need more seats: the pessimistic case costs more than the optimistic one.
    assert Decimal(scenarios["pessimistic"]["tco"]) > Decimal(scenarios["optimistic"]["tco"])


def test_the_transition_months_carry_the_in_house_desk(api_as, procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user, transition_months=2)  # the cost article, e-mail
    QuoteFactory(rfq=rfq, vendor=vendor_a)

    body = api_as(procurement_user).get(f"/api/v1/rfqs/{rfq.pk}/comparison").json()

    assert body["transition_months"] == 2
    (column,) = body["quotes"]
    assert column["outsourced"]["transition"] == "6750.00"  # 2 × €3,375
    assert column["outsourced"]["tco"] == "26750.00"  # €20,000 + €6,750
    assert body["in_house"]["tco"] == "40500.00"  # the worked example, to the cent


def test_the_email_worked_example_is_unchanged_to_the_cent(api_as, procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user)
    QuoteFactory(rfq=rfq, vendor=vendor_a)

    body = api_as(procurement_user).get(f"/api/v1/rfqs/{rfq.pk}/comparison").json()

    (column,) = body["quotes"]
    assert body["staffing"] is None
    assert (body["in_house"]["tco"], column["outsourced"]["tco"]) == ("40500.00", "20000.00")
    assert (column["savings_pct"], column["roi_pct"], column["break_even_month"]) == (
        "50.62",
        "102.50",
        2,
    )
    assert column["scenarios"]["realistic"] == {
        "tco": "20000.00",
        "savings": "20500.00",
        "in_house_tco": "40500.00",
    }


def test_the_page_shows_seat_hours_against_workload_hours(
    procurement_client, procurement_user, phone_rfq, vendor_a
):
    _live(phone_rfq)
    QuoteFactory(rfq=phone_rfq, vendor=vendor_a)
    QuoteFactory(
        rfq=phone_rfq,
        vendor=VendorFactory(name="Per Ticket BV"),
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
    )

    response = procurement_client.get(reverse("costing:comparison", args=[phone_rfq.pk]))

    html = response.content.decode()
    assert 'data-seat-hours="phone">840.00' in html
    assert 'id="staffing-table-phone"' in html
    assert "09:00–10:00" in html and "16:00–17:00" in html
    assert "840.00 billed" in html  # the hourly quote
    assert "not billed by the hour" in html  # the per-ticket quote
    assert 'data-scenario="pessimistic"' in html and 'data-scenario="optimistic"' in html
    assert "<svg" in html


def test_the_exports_carry_the_scenarios_and_the_hour_by_hour_seats(
    procurement_client, procurement_user, phone_rfq, vendor_a
):
    _live(phone_rfq)
    phone_rfq.transition_months = 1
    phone_rfq.save(update_fields=["transition_months"])
    QuoteFactory(rfq=phone_rfq, vendor=vendor_a, onboarding_hours_per_agent=Decimal(40))

    comparison = build_comparison(
        rfq=phone_rfq, quotes=submitted_quotes_for_comparison(phone_rfq), months=12
    )
    (column,) = comparison.columns

    rows = list(
        csv.reader(
            io.StringIO(
                procurement_client.get(
                    reverse("costing:comparison_csv", args=[phone_rfq.pk])
                ).content.decode("utf-8-sig")
            )
        )
    )
    header, in_house_row, quote_row = rows[0], rows[1], rows[-1]
    # docs/domain.md §1: both in-house options for the live desk, each on its own row. Dedicated:
    # 840 seat hours / 168 = 5.00 FTE × €3,375 = €16,875; combined: 400 workload hours ×
    # €3,375 / 168 = €8,035.71 a month.
    options = {row[1]: row[4:8] for row in rows[2:4]}
    assert options["In-house: dedicated desk"][:2] == ["5.00", "16875.00"]
    assert options["In-house: combined with own work (no service level)"][2] == "0.00"
    assert options["In-house: combined with own work (no service level)"][1] == "8035.71"
    pessimistic = column.scenarios["pessimistic"]
    # Issue 20: each label says what it assumes (docs/domain.md §2's default factors).
    start = header.index("Pessimistic (volume ×1.2, AHT ×1.1) TCO")
    assert header[start : start + 6] == [
        "Pessimistic (volume ×1.2, AHT ×1.1) TCO",
        "Pessimistic (volume ×1.2, AHT ×1.1) savings",
        "Realistic (volume ×1, AHT ×1) TCO",
        "Realistic (volume ×1, AHT ×1) savings",
        "Optimistic (volume ×0.8, AHT ×0.9) TCO",
        "Optimistic (volume ×0.8, AHT ×0.9) savings",
    ]
    assert quote_row[start : start + 2] == [f"{pessimistic.tco:.2f}", f"{pessimistic.savings:.2f}"]
    # The in-house row carries the in-house TCO of each scenario: TCO − savings.
    assert in_house_row[start] == f"{pessimistic.tco + pessimistic.savings:.2f}"

    data = procurement_client.get(reverse("costing:comparison_xlsx", args=[phone_rfq.pk])).content
    book = Book(data)
    # Every formula, the live sheet's too, carries its value for previewers that never
    # calculate, and that value is the formula's.
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    for sheet in book.workbook:
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    value = cached[sheet.title][cell.coordinate].value
                    expected = book[f"{sheet.title}!{cell.coordinate}"]
                    assert value is not None, (sheet.title, cell.coordinate)
                    if not isinstance(expected, str):
                        assert Decimal(repr(value)) == pytest.approx(expected, rel=Decimal("1e-9"))
    assert cached["Hour by hour"]["B7"].value == 840
    hourly = book.workbook["Hour by hour"]
    # Seats as values, contacts and Erlangs as formulas over the inputs beside them.
    seats = [hourly[f"F{row}"].value for row in range(30, 38)]
    assert seats == [5] * 8
    assert f"{book['Hour by hour!D30']:.2f}" == "35.71"
    assert f"{book['Hour by hour!E30']:.2f}" == "2.38"
    assert book["Hour by hour!B7"] == Decimal(840)
    # The workbook's formulas land on the engine's figures for the whole scope.
    est = column.estimate
    assert book["Results!B14"] == est.in_house.tco
    assert book["Results!C14"].quantize(Decimal("0.01")) == est.outsourced.tco.quantize(
        Decimal("0.01")
    )
    for offset, name in enumerate(("pessimistic", "realistic", "optimistic")):
        assert book[f"Scenarios!J{4 + offset}"].quantize(Decimal("0.01")) == (
            column.scenarios[name].tco.quantize(Decimal("0.01"))
        )


def _rfq_with_three_channels(owner, count):
    rfq = RfqFactory(
        owner=owner,
        ih_fte=None,
        closes_at=time(21),
        channels=[("email", 300, "8"), ("chat", 2000, "9"), ("phone", 4000, "5")],
    )
    _live(rfq)
    rfq.channels.filter(channel="chat").update(hourly_weights=[str(w) for w in range(1, 13)])
    for index in range(count):
        quote = QuoteFactory(
            rfq=rfq,
            vendor=VendorFactory(name=f"Live Vendor {count}-{index:02d}"),
            hourly_rate=Decimal(12 + index),
            other_fees=[{"label": "Reporting", "amount": "100.00", "per": "month"}],
        )
        RiskItemFactory(quote=quote)
    return rfq


def test_ten_quotes_over_three_channels_take_as_many_queries_as_one(
    procurement_client, api_as, procurement_user, django_assert_max_num_queries
):
    one = _rfq_with_three_channels(procurement_user, 1)
    ten = _rfq_with_three_channels(procurement_user, 10)
    page = lambda rfq: reverse("costing:comparison", args=[rfq.pk])  # noqa: E731
    procurement_client.get(page(one))  # warm the session

    with CaptureQueriesContext(connection) as for_one:
        procurement_client.get(page(one))
    with django_assert_max_num_queries(len(for_one)):
        response = procurement_client.get(page(ten))
    assert len(response.context["comparison"].columns) == 10
    assert len(response.context["staffing_panels"]) == 2

    api = api_as(procurement_user)
    api.get(f"/api/v1/rfqs/{one.pk}/comparison")
    with CaptureQueriesContext(connection) as api_one:
        api.get(f"/api/v1/rfqs/{one.pk}/comparison")
    with django_assert_max_num_queries(len(api_one)):
        body = api.get(f"/api/v1/rfqs/{ten.pk}/comparison").json()
    assert len(body["quotes"]) == 10 and all(q["scenarios"] for q in body["quotes"])


def test_in_house_and_hourly_vendors_staff_the_same_seat_hours(procurement_user):
    rfq = _rfq_with_three_channels(procurement_user, 1)
    comparison = build_comparison(rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=12)

    scope = comparison.workload
    (column,) = comparison.columns
    staffed = sum((c.billable_hours_per_month for c in comparison.channels), Decimal(0))
    assert column.estimate.outsourced.variable_monthly == Decimal(12) * staffed
    assert comparison.in_house == in_house_cost(
        in_house=comparison.in_house_inputs, workload=scope, months=12
    )
    assert column.scenarios == quote_scenarios(
        workload=scope, in_house=comparison.in_house_inputs, offer=column.offer, months=12
    )


def test_a_quotes_training_rate_and_other_fees_are_priced_in_its_tco(
    api_as, procurement_user, vendor_a
):
    rfq = RfqFactory(owner=procurement_user)  # the cost article's 500 e-mails
    quote = QuoteFactory(
        rfq=rfq,
        vendor=vendor_a,
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.25"),
        agents_offered=2,
        onboarding_fee=None,
        onboarding_hours_per_agent=Decimal(60),
        onboarding_hourly_rate=Decimal(6),
        other_fees=[
            {"label": "Reporting module", "amount": "250.00", "per": "month"},
            {"label": "Set-up", "amount": "1500.00", "per": "once"},
        ],
    )

    body = api_as(procurement_user).get(f"/api/v1/quotes/{quote.pk}/tco").json()

    # 60 h × 2 agents × €6 (never €0) + €1,500 set-up; €625 tickets + €250 fee a month.
    assert body["outsourced"]["one_time"] == "2220.00"
    assert body["outsourced"]["monthly"] == "875.00"
    assert body["outsourced"]["tco"] == "12720.00"


def test_a_quote_with_onboarding_hours_and_no_rate_says_so_on_the_comparison(
    procurement_client, api_as, procurement_user, vendor_a
):
    # Stored before issue 11 (the form and the API now refuse it): never priced at €0.
    rfq = RfqFactory(owner=procurement_user)
    quote = QuoteFactory(
        rfq=rfq,
        vendor=vendor_a,
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.25"),
        onboarding_hours_per_agent=Decimal(60),
    )

    body = api_as(procurement_user).get(f"/api/v1/rfqs/{rfq.pk}/comparison").json()
    (column,) = body["quotes"]
    assert column["error"]["field"] == "quote.onboarding_hourly_rate"
    assert column["outsourced"] is None and column["scenarios"] is None
    response = api_as(procurement_user).get(f"/api/v1/quotes/{quote.pk}/tco")
    assert response.status_code == 422
    assert "quote.onboarding_hourly_rate" in response.json()["errors"]
    page = procurement_client.get(reverse("costing:comparison", args=[rfq.pk])).content.decode()
    assert "Training rate an hour" in page
