"""The home page's work lists are computed in SQL (issue 22): the manager's checkpoints due
this week load only the pilots with a checkpoint in the window, and the procurement home's
unanswered invitations are an anti-join. Both must still say exactly what the plain rule says."""

from datetime import date, timedelta

import pytest

from kpis.rules import checkpoint_days
from pilots.models import Pilot
from pilots.selectors import checkpoints_due, pilots_awaiting_decision
from procurement.selectors import invitations_unanswered, vendor_invitations_to_answer
from tests.factories import ManagerFactory, VendorFactory, VendorUserFactory
from tests.pilots.factories import PilotFactory
from tests.procurement.factories import InvitationFactory, QuoteFactory, RfqFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)


def by_hand(pilots: list[Pilot], as_of: date, days: int) -> list[tuple[int, int, date]]:
    """Checkpoint N of a pilot is due on start + N; keep those in [as_of, as_of + days)."""
    due = []
    for pilot in pilots:
        for n in checkpoint_days(pilot.length_days):
            due_on = pilot.start_date + timedelta(days=n)
            if pilot.start_date <= as_of and as_of <= due_on < as_of + timedelta(days=days):
                due.append((pilot.pk, n, due_on))
    return sorted(due, key=lambda row: (row[2], row[0]))


def test_checkpoints_due_match_the_rule_for_every_length_and_start():
    vendor = VendorFactory()
    pilots = [
        PilotFactory(vendor=vendor, length_days=length, start_date=AS_OF - timedelta(days=back))
        for length in (30, 31, 45, 59, 60, 61, 75, 90)
        for back in (0, 1, 23, 24, 29, 30, 31, 36, 37, 44, 45, 53, 54, 59, 60, 66, 83, 89, 90, 97)
    ]
    manager = ManagerFactory()

    found = [
        (c.pilot.pk, c.day, c.due_on) for c in checkpoints_due(user=manager, as_of=AS_OF, days=7)
    ]

    expected = by_hand(pilots, AS_OF, 7)
    assert found == expected
    assert len(expected) > 20  # the sample reaches every kind of checkpoint


def test_a_pilot_far_from_any_checkpoint_is_not_loaded(django_assert_num_queries):
    manager = ManagerFactory()
    PilotFactory(length_days=90, start_date=AS_OF - timedelta(days=10))  # day 30 is 20 days away
    with django_assert_num_queries(1) as ctx:
        assert checkpoints_due(user=manager, as_of=AS_OF, days=7) == []
    # The window is in the query itself, not applied to every running pilot in Python.
    assert "length_days" in ctx.captured_queries[0]["sql"]


def test_unanswered_invitations_are_the_invited_viewed_and_draft_ones():
    rfq = RfqFactory(status="open")
    invited, viewed, draft, submitted, declined = (VendorFactory() for _ in range(5))
    InvitationFactory(rfq=rfq, vendor=invited)
    InvitationFactory(rfq=rfq, vendor=viewed, status="viewed")
    InvitationFactory(rfq=rfq, vendor=draft)
    QuoteFactory(rfq=rfq, vendor=draft, status="draft")
    InvitationFactory(rfq=rfq, vendor=submitted)
    QuoteFactory(rfq=rfq, vendor=submitted, status="submitted")
    InvitationFactory(rfq=rfq, vendor=declined, status="declined")
    closed = RfqFactory(status="closed")
    InvitationFactory(rfq=closed, vendor=invited)

    count, rows = invitations_unanswered(limit=10)

    assert count == 3
    assert {i.vendor_id for i in rows} == {invited.pk, viewed.pk, draft.pk}
    user = VendorUserFactory(vendor=submitted)
    assert vendor_invitations_to_answer(user=user, limit=5) == (0, [])
    user = VendorUserFactory(vendor=draft)
    assert vendor_invitations_to_answer(user=user, limit=5)[0] == 1


def test_a_pilot_awaits_a_decision_once_its_verdict_scorecard_exists():
    from pilots.models import Scorecard

    manager = ManagerFactory()
    waiting = PilotFactory(start_date=AS_OF - timedelta(days=70))
    decided = PilotFactory(start_date=AS_OF - timedelta(days=70), decision="scale_up")
    early = PilotFactory(start_date=AS_OF - timedelta(days=40))
    for pilot, day, verdict in (
        (waiting, 60, "stop"),
        (decided, 60, "scale_up"),
        (early, 30, None),
    ):
        Scorecard.objects.create(
            pilot=pilot,
            checkpoint_day=day,
            window_from=pilot.start_date,
            window_to=pilot.start_date + timedelta(days=day - 1),
            kpis={},
            met_count=3,
            data_coverage_pct=100,
            verdict=verdict,
        )
    count, pilots = pilots_awaiting_decision(user=manager, limit=5)
    assert (count, [p.pk for p in pilots]) == (1, [waiting.pk])


def test_an_invitation_past_its_deadline_is_no_longer_to_answer():
    """After the deadline a vendor can no longer quote (procurement.services.quotes): the
    homes list only what can still be answered."""
    from django.utils import timezone

    vendor = VendorFactory()
    past = RfqFactory(status="open", quote_deadline=timezone.now() - timedelta(hours=1))
    future = RfqFactory(status="open", quote_deadline=timezone.now() + timedelta(days=2))
    InvitationFactory(rfq=past, vendor=vendor)
    waiting = InvitationFactory(rfq=future, vendor=vendor)

    count, rows = invitations_unanswered(limit=10)
    assert (count, [i.pk for i in rows]) == (1, [waiting.pk])
    user = VendorUserFactory(vendor=vendor)
    assert vendor_invitations_to_answer(user=user, limit=5)[1] == [waiting]


def test_counts_stop_at_the_cap_and_the_list_stays_the_first_few():
    from common.queries import count_up_to

    rfq = RfqFactory(status="open")
    vendors = [VendorFactory() for _ in range(6)]
    for vendor in vendors:
        InvitationFactory(rfq=rfq, vendor=vendor)

    assert invitations_unanswered(limit=2, cap=3)[0] == 4  # "3+": counted no further
    assert invitations_unanswered(limit=2, cap=10)[0] == 6
    assert invitations_unanswered(limit=2)[0] == 6
    assert len(invitations_unanswered(limit=2, cap=3)[1]) == 2
    assert count_up_to(Pilot.objects.all(), 0) == 0


def test_the_first_checkpoints_due_are_those_of_the_whole_list(django_assert_num_queries):
    from pilots.selectors import checkpoints_due_first

    vendor = VendorFactory()
    for back in (23, 24, 29, 53, 54, 59, 83, 89):
        PilotFactory(vendor=vendor, length_days=90, start_date=AS_OF - timedelta(days=back))
    manager = ManagerFactory()
    everything = checkpoints_due(user=manager, as_of=AS_OF, days=7)

    with django_assert_num_queries(2):
        count, first = checkpoints_due_first(user=manager, as_of=AS_OF, days=7, limit=3)

    assert count == len(everything) > 3
    assert [(c.pilot.pk, c.day, c.due_on) for c in first] == [
        (c.pilot.pk, c.day, c.due_on) for c in everything[:3]
    ]
    assert first[0].pilot.vendor.name == vendor.name  # the listed pilots are whole
