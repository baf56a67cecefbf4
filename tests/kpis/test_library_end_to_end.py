"""The KPI library end to end (issue 19, done-when): a chat pilot tracks abandonment as a
must-meet KPI and QA score as an extra; its days come in through the form, the API and a
CSV; the day-60 sweep pools them; the scorecard page, PDF, e-mail and API agree with a hand
calculation. Abandonment pooled is 600 / 9,900 = 6.06% (missed against ≤ 5%), while the
mean of the daily values would be 4.69% and pass: the pilot stops although 5 of 5 core KPIs
are met. A contract tracks the same extras."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.closing import contracts_close_due_months
from contracts.models import Contract
from contracts.periods import credit_steps
from kpis.csv_import import COLUMNS
from kpis.rules import KpiTotals, evaluate
from pilots.evaluation.emails import scorecard_emails_send_now
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import KpiEntry, Pilot, Scorecard

START = date(2026, 1, 1)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # day 61
CORE = {
    # Within every core target below: CSAT 90%, FRT 30, AHT 9, FCR 80%, €3.00 a ticket.
    "tickets": 20,
    "csat_responses": 10,
    "csat_positive": 9,
    "frt_minutes": "30",
    "aht_minutes": "9",
    "fcr_resolved": 16,
    "cost": "60.00",
    "qa_sampled": 0,  # no QA sample: the QA score is met but not yet reliable
    "qa_points": 9,
    "qa_max": 10,
}


def abandonment(n: int) -> tuple[int, int]:
    """(offered, abandoned) of day n: 50 quiet days at 4%, 10 busy days at 40/490 = 8.16%."""
    return (100, 4) if n <= 50 else (490, 40)


def day_values(n: int) -> dict:
    offered, abandoned = abandonment(n)
    return {**CORE, "offered": offered, "abandoned": abandoned}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_the_hand_calculation():
    offered = sum(abandonment(n)[0] for n in range(1, 61))
    abandoned = sum(abandonment(n)[1] for n in range(1, 61))
    assert (abandoned, offered) == (600, 9_900)
    assert round(Fraction(abandoned, offered) * 100, 2) == Fraction("6.06")  # > 5: missed
    mean = sum(Fraction(a, o) for o, a in map(abandonment, range(1, 61))) / 60 * 100
    assert round(mean, 2) == Fraction("4.69")  # a mean of daily values would pass


def test_a_pilot_with_a_must_meet_extra_goes_through_form_csv_api_sweep_and_scorecards(
    api_as, procurement_user, manager, manager_client, vendor_a, vendor_a_user, vendor_a_client
):
    # --- Created through the API with its extras and must-meet KPI --------------------------
    response = api_as(procurement_user).post(
        "/api/v1/pilots",
        {
            "vendor_id": vendor_a.pk,
            "channel": "chat",
            "start_date": START.isoformat(),
            "length_days": 60,
            "targets": {
                "csat_pct": 85,
                "frt_minutes": 60,
                "aht_minutes": 10,
                "fcr_pct": 70,
                "cost_per_ticket": "3.33",
            },
            "extra_kpis": {"abandon_pct": 5, "qa_score_pct": "85"},
            "must_meet": ["abandon_pct"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["extra_kpis"] == {"abandon_pct": "5.00", "qa_score_pct": "85.00"}
    assert body["must_meet"] == ["abandon_pct"]
    pilot = Pilot.objects.get(pk=body["id"])

    # --- Day 1 through the form page ------------------------------------------------------------
    form = {"day": START.isoformat(), **{k: str(v) for k, v in day_values(1).items()}}
    response = vendor_a_client.post(reverse("pilots:kpi_entry", args=[pilot.pk]), form)
    assert response.status_code == 302

    # --- Days 2 and 3 through the API -------------------------------------------------------------
    vendor_api = api_as(vendor_a_user)
    for n in (2, 3):
        day = START + timedelta(days=n - 1)
        response = vendor_api.put(f"/api/v1/pilots/{pilot.pk}/kpis/{day}", day_values(n))
        assert response.status_code == 201, response.json()
        assert response.json()["abandoned"] == 4
        assert response.json()["nps_responses"] is None  # not given: no NPS data that day

    # --- Days 4–60 through a CSV upload -------------------------------------------------------------
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(4, 61):
        values = day_values(n)
        day = START + timedelta(days=n - 1)
        writer.writerow([day.isoformat(), *(values.get(c, "") for c in COLUMNS[1:])])
    response = vendor_a_client.post(
        reverse("pilots:kpi_csv_upload", args=[pilot.pk]),
        {"file": SimpleUploadedFile("days.csv", out.getvalue().encode(), "text/csv")},
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert KpiEntry.objects.filter(pilot=pilot).count() == 60

    # --- The day-60 sweep -------------------------------------------------------------------------
    pilots_evaluate_due(as_of=date(2026, 3, 2))
    card = Scorecard.objects.get(pilot=pilot, checkpoint_day=60)
    assert card.met_count == 5  # every core KPI met …
    assert card.verdict == "stop"  # … and still a stop: the must-meet abandonment missed
    assert card.details["missed"] == [
        {"kpi": "abandon_pct", "gap": "1.06", "remedy": "staffing_at_peak_hours", "must_meet": True}
    ]

    # --- The scorecard API ----------------------------------------------------------------------------
    scorecards = api_as(manager).get(f"/api/v1/pilots/{pilot.pk}/scorecards").json()
    day60 = scorecards[-1]
    assert set(day60["kpis"]) == {
        "csat_pct",
        "frt_minutes",
        "aht_minutes",
        "fcr_pct",
        "cost_per_ticket",
        "abandon_pct",
        "qa_score_pct",
    }
    assert day60["kpis"]["abandon_pct"] == {
        "value": "6.06",
        "target": "5.00",
        "met": False,
        "interval": None,
        "reliable": None,
        "must_meet": True,
    }
    # 9 of 10 points a day → 540 / 600 = 90% ≥ 85%, met; no interaction sampled (< 50).
    assert day60["kpis"]["qa_score_pct"] == {
        "value": "90.00",
        "target": "85.00",
        "met": True,
        "interval": None,
        "reliable": False,
        "must_meet": False,
    }
    # CSAT 540 / 600 = 90%: Wilson 95% with p = 0.9, n = 600 → 87.34–92.15%, all ≥ 85.
    assert day60["kpis"]["csat_pct"]["interval"] == {"low": "87.34", "high": "92.15"}
    assert day60["kpis"]["csat_pct"]["reliable"] is True
    assert day60["gaps"] == [
        {"kpi": "abandon_pct", "gap": "1.06", "remedy": "staffing_at_peak_hours", "must_meet": True}
    ]

    # --- The page, the PDF and the e-mail ---------------------------------------------------------
    page = manager_client.get(reverse("pilots:scorecard_detail", args=[pilot.pk, 60]))
    html = page.content.decode()
    assert "Abandonment (must meet)" in html
    assert "6.06%" in html
    assert "QA score" in html and "met, not yet reliable" in html
    assert "a must-meet KPI was missed (Abandonment): stop and analyse per KPI" in html
    pdf = manager_client.get(reverse("pilots:scorecard_pdf", args=[pilot.pk, 60]))
    assert pdf.content.startswith(b"%PDF-")
    scorecard_emails_send_now(scorecard_ids=[card.pk])
    (message,) = [m for m in mail.outbox if manager.email in m.to]
    assert (
        "- Abandonment (must meet): 1.06 percentage points short of target → Staffing at "
        "peak hours" in message.body
    )
    assert "a must-meet KPI was missed (Abandonment)" in message.alternatives[0][0]

    # --- The dashboard charts and judges the extras too ---------------------------------------------
    dashboard = manager_client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert dashboard.status_code == 200
    assert "Abandonment" in dashboard.content.decode()


def test_a_contract_tracks_the_same_extras_and_a_missed_must_meet_costs_a_credit_step(
    api_as, procurement_user, manager, vendor_a, vendor_a_user
):
    response = api_as(procurement_user).post(
        "/api/v1/contracts",
        {
            "vendor_id": vendor_a.pk,
            "channel": "chat",
            "start_date": "2026-01-01",
            "months": 12,
            "targets": {
                "csat_pct": 85,
                "frt_minutes": 60,
                "aht_minutes": 10,
                "fcr_pct": 70,
                "cost_per_ticket": "3.33",
            },
            "monthly_charge": "1800.00",
            "extra_kpis": {"abandon_pct": 5},
            "must_meet": ["abandon_pct"],
            "credit_pct_per_missed_kpi": 5,
            "credit_cap_pct": 20,
        },
    )
    assert response.status_code == 201, response.json()
    contract = Contract.objects.get(pk=response.json()["id"])
    assert contract.targets["abandon_pct"] == Decimal("5.00")
    assert contract.must_meet_kpis == ["abandon_pct"]
    vendor_api = api_as(vendor_a_user)
    for n in range(1, 32):  # every day of January, each like the pilot's busy days
        day = date(2026, 1, n)
        values = {**CORE, "offered": 490, "abandoned": 40}
        assert (
            vendor_api.put(f"/api/v1/contracts/{contract.pk}/kpis/{day}", values).status_code == 201
        )
    contracts_close_due_months(as_of=date(2026, 2, 1))
    (january,) = api_as(manager).get(f"/api/v1/contracts/{contract.pk}/periods").json()
    # 1,240 / 15,190 = 8.16% > 5%: missed, must meet; the five core KPIs met.
    assert january["kpis"]["abandon_pct"]["value"] == "8.16"
    assert january["kpis"]["abandon_pct"]["must_meet"] is True
    assert january["met_count"] == 5
    assert "nps" not in january["kpis"]  # an extra the contract does not track


def test_a_missed_must_meet_core_kpi_costs_a_step_more_than_a_missed_core_kpi():
    # CSAT 80% (< 85) missed; as a must-meet it counts twice: 1 missed core + 1 must-meet.
    totals = KpiTotals(
        days_with_entry=30,
        tickets=600,
        csat_responses=300,
        csat_positive=240,
        frt_weighted=Decimal(30 * 600),
        aht_weighted=Decimal(9 * 600),
        fcr_resolved=480,
        cost=Decimal("1800"),
    )
    targets = {
        "csat_pct": Decimal(85),
        "frt_minutes": Decimal(60),
        "aht_minutes": Decimal(10),
        "fcr_pct": Decimal(70),
        "cost_per_ticket": Decimal("3.33"),
    }
    plain = evaluate(totals=totals, targets=targets, window_days=30, decision=False)
    must = evaluate(
        totals=totals, targets=targets, window_days=30, decision=False, must_meet=["csat_pct"]
    )
    assert (credit_steps(plain), credit_steps(must)) == (1, 2)


def test_every_cross_field_error_of_the_extras_is_reported_at_once(api_as, vendor_a, vendor_a_user):
    from tests.pilots.factories import PilotFactory

    pilot = PilotFactory(vendor=vendor_a, start_date=START, length_days=90)
    values = {
        **CORE,
        "offered": 100,
        "answered_in_target": 101,  # > offered
        "abandoned": 102,  # > offered
        "nps_responses": 10,
        "nps_promoters": 6,
        "nps_detractors": 5,  # 6 + 5 > 10
        "qa_points": 11,  # > qa_max
    }
    response = api_as(vendor_a_user).put(f"/api/v1/pilots/{pilot.pk}/kpis/{START}", values)
    assert response.status_code == 422
    text = response.content.decode()
    for field, message in (
        ("answered_in_target", "Cannot exceed the contacts offered."),
        ("abandoned", "Cannot exceed the contacts offered."),
        ("nps_promoters", "Promoters and detractors together cannot exceed the NPS responses."),
        ("qa_points", "Cannot exceed the QA points possible."),
    ):
        assert field in text and message in text
    assert not KpiEntry.objects.filter(pilot=pilot).exists()


def test_an_extra_answer_count_without_the_contacts_offered_is_refused_on_offered(
    api_as, vendor_a, vendor_a_user
):
    from tests.pilots.factories import PilotFactory

    pilot = PilotFactory(vendor=vendor_a, start_date=START, length_days=90)
    values = {**CORE, "abandoned": 3, "qa_points": None, "qa_max": 10}
    response = api_as(vendor_a_user).put(f"/api/v1/pilots/{pilot.pk}/kpis/{START}", values)
    assert response.status_code == 422
    text = response.content.decode()
    assert "Give the contacts offered with the abandoned before an answer." in text
    assert "Give QA points scored, QA points possible together: this one is missing." in text


def test_a_tracked_extra_off_target_over_the_last_7_days_raises_an_alert(vendor_a):
    from pilots.evaluation.alerts import alerts_refresh
    from pilots.models import Alert, AlertKind, PilotStatus
    from tests.factories import VendorUserFactory
    from tests.pilots.factories import PilotFactory

    pilot = PilotFactory(
        vendor=vendor_a,
        start_date=START,
        length_days=90,
        status=PilotStatus.RUNNING,
        extra_targets={"abandon_pct": "5.00"},
    )
    author = VendorUserFactory(vendor=vendor_a)
    KpiEntry.objects.bulk_create(
        KpiEntry(
            pilot=pilot,
            day=START + timedelta(days=n),
            entered_by=author,
            **{**CORE, "frt_minutes": 30, "aht_minutes": 9, "cost": Decimal(60)},
            offered=100,
            abandoned=7,  # 7% > 5% every day
        )
        for n in range(14)
    )
    alerts_refresh(as_of=START + timedelta(days=14))
    alert = Alert.objects.get(pilot=pilot, kind=AlertKind.KPI_OFF_TARGET, closed_at=None)
    # The last 7 days: 49 abandoned of 700 offered = 7.00%.
    assert (alert.key, alert.params) == ("abandon_pct", {"value": "7.00", "target": "5.00"})
