"""docs/domain.md §7: the quote-deadline reminder 48 hours ahead and the next-morning missing-day
reminder — each exactly once per moment, across repeated runs and two concurrent workers,
in the recipient's language, greeting by name."""

import threading
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from common.models import OutboxMessage
from pilots.reminders import missing_day_reminders_send
from procurement.models import Invitation, Quote, QuoteStatus, Rfq, RfqStatus
from procurement.reminders import quote_reminders_send
from tests.factories import VendorUserFactory
from tests.pilots.conftest import add_days
from tests.pilots.factories import PilotFactory
from tests.support import require_postgresql

DEADLINE = datetime(2027, 3, 10, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam (CET)


@pytest.fixture
def open_rfq(procurement_user, vendor_a, vendor_b):
    rfq = Rfq.objects.create(
        title="Customer service NL",
        reference="RFQ-2027-007",
        owner=procurement_user,
        status=RfqStatus.OPEN,
        quote_deadline=DEADLINE,
    )
    for vendor in (vendor_a, vendor_b):
        Invitation.objects.create(rfq=rfq, vendor=vendor, invited_by=procurement_user)
    return rfq


@pytest.mark.django_db
def test_the_quote_reminder_goes_48_hours_ahead_to_vendors_without_a_submitted_quote(
    open_rfq, vendor_a, vendor_b
):
    ana = VendorUserFactory(email="ana@alpha.example", full_name="Ana Alves", vendor=vendor_a)
    piet = VendorUserFactory(
        email="piet@alpha.example", full_name="", language="nl", vendor=vendor_a
    )
    VendorUserFactory(email="bo@beta.example", vendor=vendor_b)
    Quote.objects.create(rfq=open_rfq, vendor=vendor_b, status=QuoteStatus.SUBMITTED)

    assert quote_reminders_send(at=DEADLINE - timedelta(hours=49)) == []  # too early
    sent = quote_reminders_send(at=DEADLINE - timedelta(hours=47))
    assert sorted(o.recipient_id for o in sent) == sorted([ana.pk, piet.pk])
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"ana@alpha.example", "piet@alpha.example"}
    english = by_to["ana@alpha.example"]
    assert english.subject == (
        "Reminder: your quote for RFQ-2027-007 is due by 10 Mar 2027, 17:00 CET"
    )
    assert english.body.startswith("Dear Ana Alves,")
    assert "Alpha Contact has not yet submitted a quote" in english.body
    html = english.alternatives[0][0]
    assert "Dear Ana Alves," in html and "17:00 CET" in html
    dutch = by_to["piet@alpha.example"]
    # No name: the vendor's name, never the address; in Dutch, with the time zone.
    assert dutch.body.startswith("Beste Alpha Contact,")
    assert "17:00 CET" in dutch.subject

    # The same moment again, and later the same day: nothing new.
    assert quote_reminders_send(at=DEADLINE - timedelta(hours=47)) == []
    assert quote_reminders_send(at=DEADLINE - timedelta(hours=2)) == []
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_a_moved_deadline_is_a_new_moment(open_rfq, vendor_a):
    VendorUserFactory(vendor=vendor_a)
    quote_reminders_send(at=DEADLINE - timedelta(hours=40))
    open_rfq.quote_deadline = DEADLINE + timedelta(days=7)
    open_rfq.save()
    quote_reminders_send(at=DEADLINE + timedelta(days=7) - timedelta(hours=40))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_missing_day_reminder_names_yesterday_once(vendor_a):
    ana = VendorUserFactory(email="ana@alpha.example", full_name="Ana Alves", vendor=vendor_a)
    missing = PilotFactory(vendor=vendor_a, start_date=date(2027, 3, 1), status="running")
    complete = PilotFactory(vendor=vendor_a, start_date=date(2027, 3, 1), status="running")
    add_days(complete, range(1, 10))  # 1–9 March
    add_days(missing, range(1, 9))  # 1–8 March: 9 March is missing

    morning = datetime(2027, 3, 10, 7, 0, tzinfo=UTC)
    sent = missing_day_reminders_send(at=morning)
    # Every user of the vendor (add_days made an author per pilot), for the one pilot only.
    assert {o.cause for o in sent} == {"2027-03-09"}
    assert len(sent) == vendor_a.users.count() == 3
    assert ana.pk in {o.recipient_id for o in sent}
    message = next(m for m in mail.outbox if m.to == ["ana@alpha.example"])
    assert message.body.startswith("Dear Ana Alves,")
    assert "9 Mar 2027" in message.body
    assert f"/pilots/{missing.pk}/kpis/enter/?day=2027-03-09" in message.body
    assert f"/pilots/{complete.pk}/" not in message.body
    assert missing_day_reminders_send(at=morning + timedelta(hours=3)) == []
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_the_command_prints_one_line_per_email(open_rfq, vendor_a):
    VendorUserFactory(email="ana@alpha.example", vendor=vendor_a)
    out = StringIO()
    with time_machine.travel("2027-03-09 09:00Z", tick=False):
        call_command("send_reminders", "--at", "2027-03-09T08:00", stdout=out)
    assert (
        "Quote deadline reminder to ana@alpha.example: Reminder: your quote for RFQ-2027-007"
        in out.getvalue()
    )
    again = StringIO()
    with time_machine.travel("2027-03-09 09:00Z", tick=False):
        call_command("send_reminders", "--at", "2027-03-09T08:00", stdout=again)
    assert "ana@alpha.example" not in again.getvalue()
    assert len(mail.outbox) == 1


def _run_concurrently(work, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_send_each_reminder_once(procurement_user):
    require_postgresql("concurrent claims need PostgreSQL (SQLite runs one writer at a time)")
    from tests.factories import VendorFactory

    rfq = Rfq.objects.create(
        title="Concurrent",
        reference="RFQ-C",
        owner=procurement_user,
        status=RfqStatus.OPEN,
        quote_deadline=DEADLINE,
    )
    users = []
    for i in range(30):
        vendor = VendorFactory(name=f"Concurrent {i:02d}")
        Invitation.objects.create(rfq=rfq, vendor=vendor, invited_by=procurement_user)
        users += [VendorUserFactory(vendor=vendor), VendorUserFactory(vendor=vendor)]
        pilot = PilotFactory(vendor=vendor, start_date=date(2027, 3, 1), status="running")
        add_days(pilot, range(1, 8))  # 1–7 March: 8 March (yesterday) is missing
    at = DEADLINE - timedelta(hours=24)

    def work():
        return len(quote_reminders_send(at=at, batch_size=7)) + len(
            missing_day_reminders_send(at=at, batch_size=7)
        )

    counts = _run_concurrently(work)
    # 30 vendors × 3 users (two here, one add_days author): one quote reminder and one
    # missing-day reminder each.
    assert sum(counts) == 180
    assert len(mail.outbox) == 180
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 180
    assert _run_concurrently(work) == [0, 0]
    assert len(mail.outbox) == 180


@pytest.mark.django_db
def test_one_reminder_a_day_lists_the_vendors_missing_pilot_and_contract(vendor_a):
    from tests.contracts.factories import ContractFactory

    ana = VendorUserFactory(email="ana@alpha.example", full_name="Ana Alves", vendor=vendor_a)
    pilot = PilotFactory(vendor=vendor_a, start_date=date(2027, 3, 1), status="running")
    contract = ContractFactory(vendor=vendor_a, start_date=date(2027, 1, 17))
    morning = datetime(2027, 3, 10, 7, 0, tzinfo=UTC)
    sent = missing_day_reminders_send(at=morning)
    assert [o.recipient_id for o in sent] == [ana.pk]
    (message,) = mail.outbox
    assert message.subject == "No KPIs entered for 9 Mar 2027 (2 pilots or contracts)"
    assert "The pilot Alpha Contact — E-mail has no KPI entry for 9 Mar 2027." in message.body
    assert "The contract Alpha Contact — E-mail has no KPI entry for 9 Mar 2027." in (message.body)
    assert f"/pilots/{pilot.pk}/kpis/enter/?day=2027-03-09" in message.body
    assert f"/contracts/{contract.pk}/kpis/enter/?day=2027-03-09" in message.body
    assert missing_day_reminders_send(at=morning) == []
