"""The home page: what needs this person now, by role, each block linking to where to act."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from pilots.models import Alert, AlertKind, Scorecard
from procurement.models import AwardProposal
from tests.factories import ManagerFactory, ProcurementUserFactory, VendorFactory, VendorUserFactory
from tests.pilots.factories import KpiEntryFactory, PilotFactory
from tests.procurement.factories import InvitationFactory, QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def block(html: str, key: str) -> str:
    start = html.index(f'id="{key}"')
    return html[start : html.index("</section>", start)]


def count_of(html: str, key: str) -> int:
    section = block(html, key)
    return int(section.split('data-count="', 1)[1].split('"', 1)[0])


@pytest.fixture
def work():
    return seed_work()


def seed_work() -> dict:
    """An RFQ round and two pilots with something to do for every role."""
    buyer = ProcurementUserFactory(email="buyer@example.com", full_name="Bea Buyer")
    lisbon = VendorFactory(name="Lisbon Care")
    manila = VendorFactory(name="Manila Desk")
    soon = RfqFactory(
        owner=buyer,
        reference="RFQ-SOON",
        title="Webshop",
        status="open",
        quote_deadline=NOW + timedelta(days=3),
    )
    later = RfqFactory(
        owner=buyer, reference="RFQ-LATER", status="open", quote_deadline=NOW + timedelta(days=30)
    )
    InvitationFactory(rfq=soon, vendor=lisbon)
    InvitationFactory(rfq=soon, vendor=manila)
    InvitationFactory(rfq=later, vendor=lisbon)
    QuoteFactory(rfq=soon, vendor=manila, status="submitted", submitted_at=NOW)
    QuoteFactory(rfq=later, vendor=lisbon, status="draft")
    # Day 60 of this pilot was 28 Feb: its decision scorecard waits for the managers.
    decided_soon = PilotFactory(vendor=lisbon, start_date=date(2025, 12, 31), length_days=90)
    Scorecard.objects.create(
        pilot=decided_soon,
        checkpoint_day=60,
        window_from=decided_soon.start_date,
        window_to=date(2026, 2, 28),
        kpis={},
        met_count=4,
        data_coverage_pct=Decimal(100),
        verdict="scale_up",
    )
    # Started 1 Feb: day 30 ends 2 March, its scorecard is made on 3 March (this week).
    running = PilotFactory(vendor=lisbon, channel="email", start_date=date(2026, 2, 1))
    for n in range(27):  # days 1–27 entered; 28 Feb and 1 March are missing
        KpiEntryFactory(pilot=running, day=date(2026, 2, 1) + timedelta(days=n))
    Alert.objects.create(pilot=running, kind=AlertKind.MISSING_DAY, key="2026-02-28")
    return {"lisbon": lisbon, "running": running, "decided_soon": decided_soon, "soon": soon}


def test_procurement_sees_quotes_to_review_deadlines_and_unanswered_invitations(client, work):
    client.force_login(ProcurementUserFactory())

    html = client.get(reverse("home")).content.decode()

    assert count_of(html, "quotes-to-review") == 1
    assert "Manila Desk — RFQ-SOON" in block(html, "quotes-to-review")
    assert count_of(html, "deadlines-this-week") == 1  # RFQ-LATER closes in 30 days
    deadlines = block(html, "deadlines-this-week")
    assert f'href="{reverse("procurement:rfq_detail", args=[work["soon"].pk])}"' in deadlines
    assert "closes 5 Mar 2026, 10:00 CET · 1 quote in" in deadlines
    # Lisbon on both RFQs (a draft is not an answer); Manila submitted.
    assert count_of(html, "invitations-unanswered") == 2
    assert "checkpoints-due" not in html  # a manager's block


def test_a_manager_sees_decisions_checkpoints_and_open_alerts(client, work):
    client.force_login(ManagerFactory())

    html = client.get(reverse("home")).content.decode()

    assert count_of(html, "pilots-awaiting-decision") == 1
    decision = block(html, "pilots-awaiting-decision")
    url = reverse("pilots:scorecard_detail", args=[work["decided_soon"].pk, 60])
    assert f'href="{url}"' in decision
    assert count_of(html, "checkpoints-due") == 1
    assert "day 30 scorecard on 3 Mar 2026" in block(html, "checkpoints-due")
    # Two pilots of one vendor and channel are told apart by their dates.
    assert "Lisbon Care — E-mail, 1 Feb 2026 – 1 May 2026" in block(html, "checkpoints-due")
    assert count_of(html, "open-alerts") == 1
    assert "No KPI entry for 28 Feb 2026." in block(html, "open-alerts")
    assert "quotes-to-review" not in html


def test_a_vendor_sees_requests_drafts_and_days_to_enter(client, work):
    client.force_login(VendorUserFactory(vendor=work["lisbon"]))

    html = client.get(reverse("home")).content.decode()

    assert count_of(html, "invitations-to-answer") == 2
    assert "RFQ-SOON — Webshop" in block(html, "invitations-to-answer")
    assert "deadline 5 Mar 2026, 10:00 CET" in block(html, "invitations-to-answer")
    assert count_of(html, "quotes-in-draft") == 1
    assert count_of(html, "missing-days") >= 1
    missing = block(html, "missing-days")
    url = reverse("pilots:kpi_entry", args=[work["running"].pk]) + "?day=2026-02-28"
    assert f'href="{url}"' in missing
    assert "2 days without KPIs, from 28 Feb 2026" in missing
    # Nothing of another vendor, nothing internal.
    assert "Manila" not in html and "open-alerts" not in html


def test_empty_blocks_say_what_to_do_first(client):
    client.force_login(ProcurementUserFactory())

    html = client.get(reverse("home")).content.decode()

    assert "No submitted quotes yet. Invite vendors to an open RFQ to receive some." in html
    assert f'href="{reverse("procurement:rfq_create")}"' in html


def test_the_home_runs_a_fixed_number_of_queries(client, work, django_assert_max_num_queries):
    admin = ProcurementUserFactory(role="admin")
    client.force_login(admin)
    client.get(reverse("home"))  # warm the session
    cache.clear()  # both measured requests count the alert badge afresh
    with django_assert_max_num_queries(25) as first:
        client.get(reverse("home"))
    for n in range(5):
        rfq = RfqFactory(status="open", quote_deadline=NOW + timedelta(days=2))
        QuoteFactory(rfq=rfq, vendor=VendorFactory(), status="submitted", submitted_at=NOW)
        InvitationFactory(rfq=rfq, vendor=VendorFactory())
        pilot = PilotFactory(start_date=date(2026, 2, 1) + timedelta(days=n))
        Alert.objects.create(pilot=pilot, kind=AlertKind.MISSING_DAY, key="2026-02-28")
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("home"))


def test_the_home_speaks_dutch(client, work):
    user = VendorUserFactory(vendor=work["lisbon"], language="nl")
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    assert "Aanvragen om te beantwoorden" in html


def test_pending_awards_show_for_managers_and_procurement(client):
    buyer = ProcurementUserFactory(full_name="Bea Buyer")
    rfq = RfqFactory(owner=buyer, reference="RFQ-AWARD", status="closed")
    quote = QuoteFactory(rfq=rfq, vendor=VendorFactory(name="Lisbon Care"), status="submitted")
    proposal = AwardProposal.objects.create(
        rfq=rfq, quote=quote, reason="Best value", proposed_by=buyer
    )
    link = reverse("procurement:award_proposal", args=[proposal.pk])

    client.force_login(ManagerFactory())
    html = client.get("/").content.decode()
    assert count_of(html, "awards-to-approve") == 1
    assert link in block(html, "awards-to-approve")
    assert "Lisbon Care — RFQ-AWARD" in block(html, "awards-to-approve")

    client.force_login(buyer)
    html = client.get("/").content.decode()
    assert count_of(html, "awards-proposed") == 1
    assert "proposed by Bea Buyer" in block(html, "awards-proposed")

    proposal.status = "approved"
    proposal.save()
    html = client.get("/").content.decode()
    assert count_of(html, "awards-proposed") == 0


def test_a_vendor_sees_its_contract_days_to_enter(client, vendor_a, vendor_b):
    """Issue 24: the vendor's home lists contract days to enter, not only pilot days."""
    from datetime import date

    import time_machine

    from contracts.models import ContractKpiEntry
    from tests.contracts.factories import ContractFactory

    user = VendorUserFactory(vendor=vendor_a)
    contract = ContractFactory(vendor=vendor_a, start_date=date(2027, 1, 1))
    ContractFactory(vendor=vendor_b, start_date=date(2027, 1, 1))  # another vendor's
    ContractKpiEntry.objects.create(
        contract=contract, day=date(2027, 1, 1), entered_by=user, tickets=10, csat_responses=4,
        csat_positive=3, frt_minutes=30, aht_minutes=9, fcr_resolved=7, cost=30,
    )  # fmt: skip
    with time_machine.travel(date(2027, 1, 5), tick=False):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()

    assert count_of(html, "contract-missing-days") == 1  # only its own contract
    days = block(html, "contract-missing-days")
    url = reverse("contracts:kpi_entry", args=[contract.pk]) + "?day=2027-01-02"
    assert f'href="{url}"' in days
    assert "3 days without KPIs, from 2 Jan 2027" in days  # 2, 3 and 4 January


def test_after_an_award_procurement_still_finds_the_submitted_quotes(client):
    """Issue 24: after an award cycle the home leads to the submitted quotes."""
    from procurement.models import QuoteStatus, RfqStatus
    from tests.procurement.factories import QuoteFactory, RfqFactory

    rfq = RfqFactory(status=RfqStatus.AWARDED)
    QuoteFactory(rfq=rfq, status=QuoteStatus.SUBMITTED)
    QuoteFactory(rfq=rfq, status=QuoteStatus.SUBMITTED)
    client.force_login(ProcurementUserFactory())

    html = client.get(reverse("home")).content.decode()

    section = block(html, "quotes-to-review")
    assert count_of(html, "quotes-to-review") == 0
    assert "2 submitted quotes are on decided RFQs" in section
    assert "No submitted quotes yet" not in section
    assert f'href="{reverse("procurement:quote_list")}?status=submitted"' in section


def test_a_count_past_the_cap_reads_as_cap_plus(client, work, monkeypatch):
    """Counts stop at COUNT_CAP (issue 22: no count reads every row as the data grows)."""
    from config import home

    monkeypatch.setattr(home, "COUNT_CAP", 1)
    monkeypatch.setattr(home, "LIST_LENGTH", 1)
    client.force_login(ProcurementUserFactory())

    html = client.get(reverse("home")).content.decode()

    unanswered = block(html, "invitations-unanswered")
    assert ">1+</span>" in unanswered and 'aria-label="more than 1 items"' in unanswered
    assert "See them all" in unanswered
    quotes = block(html, "quotes-to-review")
    assert ">1</span>" in quotes and "1 item" in quotes  # exactly at the cap: the number


def test_the_award_badge_is_counted_once_and_follows_every_change(client):
    """Every internal page shows the pending awards in its navigation: counted once and kept
    in the cache (issue 22) until a proposal changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buyer = ProcurementUserFactory()
    rfq = RfqFactory(owner=buyer, status="closed")
    quote = QuoteFactory(rfq=rfq, vendor=VendorFactory(), status="submitted")
    client.force_login(ManagerFactory())
    page = reverse("pilots:alert_list")

    def badge_and_counts():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(page).content.decode()
        counted = [q for q in queries.captured_queries if "procurement_awardproposal" in q["sql"]]
        return 'id="award-badge"' in html, len(counted)

    assert badge_and_counts() == (False, 1)
    assert badge_and_counts() == (False, 0)  # from the cache
    proposal = AwardProposal.objects.create(rfq=rfq, quote=quote, reason="Best", proposed_by=buyer)
    assert badge_and_counts() == (True, 1)
    proposal.status = "approved"
    proposal.save()
    assert badge_and_counts() == (False, 1)
