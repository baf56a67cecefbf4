"""RFQ life cycle: draft → open → closed → awarded | cancelled, every guard."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from procurement import services
from procurement.models import Rfq, RfqStatus
from tests.procurement.conftest import DEADLINE
from tests.procurement.factories import QuoteFactory, RfqFactory, award

pytestmark = pytest.mark.django_db

CHANNELS = [
    {"channel": "email", "volume_per_month": 500, "aht_minutes": Decimal("10")},
    {
        "channel": "chat",
        "volume_per_month": 150,
        "aht_minutes": Decimal("10"),
        "sla_response_minutes": Decimal("1"),
    },
]


def _data(**overrides):
    return {"title": "Webshop", "quote_deadline": DEADLINE, **overrides}


def test_it_creates_a_draft_rfq_with_its_scope_and_a_numbered_reference(procurement_user):
    rfq = services.rfq_create(by=procurement_user, data=_data(), channels=CHANNELS)
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.DRAFT
    assert rfq.reference == "RFQ-2026-001"
    assert rfq.owner == procurement_user
    assert {(c.channel, c.volume_per_month) for c in rfq.channels.all()} == {
        ("email", 500),
        ("chat", 150),
    }
    # docs/domain.md §5 defaults for a later pilot; cost article baseline defaults.
    assert rfq.target_csat_pct == Decimal("85")
    assert rfq.target_frt_minutes == Decimal("60")
    assert rfq.ih_gross_salary_month == Decimal("2500")
    assert rfq.ih_employer_costs_pct == Decimal("35")
    second = services.rfq_create(by=procurement_user, data=_data(), channels=CHANNELS)
    assert second.reference == "RFQ-2026-002"
    assert rfq.history.first().history_user == procurement_user


def test_it_opens_at_once_when_asked(procurement_user):
    rfq = services.rfq_create(by=procurement_user, data=_data(), channels=CHANNELS, open_now=True)
    assert Rfq.objects.get(pk=rfq.pk).status == RfqStatus.OPEN


@pytest.mark.parametrize(
    ("channels", "field"),
    [
        ([], "channels"),
        ([{"channel": "fax", "volume_per_month": 1, "aht_minutes": 1}], "channels.0.channel"),
        (
            [
                {"channel": "email", "volume_per_month": 1, "aht_minutes": 1},
                {"channel": "email", "volume_per_month": 2, "aht_minutes": 1},
            ],
            "channels.1.channel",
        ),
        (
            [{"channel": "email", "volume_per_month": 0, "aht_minutes": 1}],
            "channels.0.volume_per_month",
        ),
        (
            [{"channel": "email", "volume_per_month": 5, "aht_minutes": Decimal("0")}],
            "channels.0.aht_minutes",
        ),
    ],
)
def test_a_bad_scope_is_refused_naming_the_field(procurement_user, channels, field):
    with pytest.raises(ValidationError) as exc:
        services.rfq_create(by=procurement_user, data=_data(), channels=channels)
    assert field in exc.value.message_dict
    assert not Rfq.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"term_months": 6}, "term_months"),
        ({"term_months": 36}, "term_months"),
        ({"title": ""}, "title"),
        ({"quote_deadline": DEADLINE - timedelta(days=30)}, "quote_deadline"),
        ({"ih_employer_costs_pct": Decimal("-1")}, "ih_employer_costs_pct"),
        ({"target_csat_pct": Decimal("120")}, "target_csat_pct"),
        ({"days_per_week": 8}, "days_per_week"),
    ],
)
def test_bad_rfq_values_are_refused_naming_the_field(procurement_user, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.rfq_create(by=procurement_user, data=_data(**overrides), channels=CHANNELS)
    assert field in exc.value.message_dict
    assert not Rfq.objects.exists()


def test_only_procurement_creates_rfqs(manager, vendor_a_user):
    for user in (manager, vendor_a_user):
        with pytest.raises(PermissionDenied):
            services.rfq_create(by=user, data=_data(), channels=CHANNELS)


def test_coverage_hours_count_midnight_as_the_end_of_the_day(procurement_user):
    rfq = RfqFactory.build(opens_at=time(9), closes_at=time(23), days_per_week=7)
    assert rfq.coverage_hours_per_week == Decimal("98")  # whitepaper: 09:00–23:00, 7 days
    rfq.closes_at = time(0)
    assert rfq.coverage_hours_per_week == Decimal("105")
    rfq.opens_at = time(0)
    assert rfq.coverage_hours_per_week == Decimal("168")


# --- transitions ---------------------------------------------------------------------------


def test_a_draft_opens_closes_and_is_awarded_to_a_submitted_quote(procurement_user, vendor_a):
    rfq = RfqFactory(owner=procurement_user, status="draft", quote_deadline=DEADLINE)
    services.rfq_open(rfq=rfq, by=procurement_user)
    quote = QuoteFactory(rfq=rfq, vendor=vendor_a)
    services.rfq_close(rfq=rfq, by=procurement_user)
    award(rfq=rfq, quote=quote, by=procurement_user)
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.AWARDED
    assert rfq.awarded_quote == quote
    assert [h.status for h in rfq.history.order_by("history_date")] == [
        "draft",
        "open",
        "closed",
        "awarded",
    ]


def test_only_a_draft_can_be_opened(rfq, procurement_user):
    with pytest.raises(ValidationError) as exc:
        services.rfq_open(rfq=rfq, by=procurement_user)
    assert "status" in exc.value.message_dict


def test_a_draft_without_channels_cannot_open(procurement_user):
    rfq = RfqFactory(owner=procurement_user, status="draft", channels=[])
    with pytest.raises(ValidationError) as exc:
        services.rfq_open(rfq=rfq, by=procurement_user)
    assert "channels" in exc.value.message_dict
    assert Rfq.objects.get(pk=rfq.pk).status == "draft"


def test_a_draft_whose_deadline_passed_cannot_open(procurement_user):
    rfq = RfqFactory(
        owner=procurement_user, status="draft", quote_deadline=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        services.rfq_open(rfq=rfq, by=procurement_user)
    assert "quote_deadline" in exc.value.message_dict


@pytest.mark.parametrize("status", ["draft", "closed", "awarded", "cancelled"])
def test_only_an_open_rfq_can_be_closed(procurement_user, status):
    rfq = RfqFactory(owner=procurement_user, status=status)
    with pytest.raises(ValidationError) as exc:
        services.rfq_close(rfq=rfq, by=procurement_user)
    assert "status" in exc.value.message_dict
    assert Rfq.objects.get(pk=rfq.pk).status == status


def test_no_award_while_the_rfq_is_still_open(rfq, quote_a, procurement_user):
    with pytest.raises(ValidationError) as exc:
        award(rfq=rfq, quote=quote_a, by=procurement_user)
    assert "status" in exc.value.message_dict
    assert Rfq.objects.get(pk=rfq.pk).status == "open"


def test_no_award_without_a_submitted_quote(rfq, draft_a, procurement_user):
    services.rfq_close(rfq=rfq, by=procurement_user)
    with pytest.raises(ValidationError) as exc:
        award(rfq=rfq, quote=draft_a, by=procurement_user)
    assert "quote" in exc.value.message_dict
    rfq.refresh_from_db()
    assert rfq.status == "closed"
    assert rfq.awarded_quote is None


def test_no_award_of_another_rfqs_quote(rfq, procurement_user, vendor_a):
    other_quote = QuoteFactory(vendor=vendor_a)
    services.rfq_close(rfq=rfq, by=procurement_user)
    with pytest.raises(ValidationError) as exc:
        award(rfq=rfq, quote=other_quote, by=procurement_user)
    assert "quote" in exc.value.message_dict
    assert Rfq.objects.get(pk=rfq.pk).awarded_quote is None


def test_an_awarded_rfq_cannot_be_cancelled_or_awarded_again(
    rfq, quote_a, quote_b, procurement_user
):
    services.rfq_close(rfq=rfq, by=procurement_user)
    award(rfq=rfq, quote=quote_a, by=procurement_user)
    with pytest.raises(ValidationError):
        services.rfq_cancel(rfq=rfq, by=procurement_user, reason="Changed our mind")
    with pytest.raises(ValidationError):
        award(rfq=rfq, quote=quote_b, by=procurement_user)
    rfq.refresh_from_db()
    assert (rfq.status, rfq.awarded_quote) == ("awarded", quote_a)


def test_cancelling_an_open_rfq_needs_a_reason(rfq, procurement_user):
    with pytest.raises(ValidationError) as exc:
        services.rfq_cancel(rfq=rfq, by=procurement_user, reason="  ")
    assert "cancel_reason" in exc.value.message_dict
    services.rfq_cancel(rfq=rfq, by=procurement_user, reason="Budget frozen")
    rfq.refresh_from_db()
    assert (rfq.status, rfq.cancel_reason) == ("cancelled", "Budget frozen")


def test_a_draft_can_be_cancelled_without_a_reason(procurement_user):
    rfq = RfqFactory(owner=procurement_user, status="draft")
    services.rfq_cancel(rfq=rfq, by=procurement_user)
    assert Rfq.objects.get(pk=rfq.pk).status == "cancelled"


def test_a_cancelled_rfq_cannot_reopen_or_close(procurement_user):
    rfq = RfqFactory(owner=procurement_user, status="cancelled")
    for transition in (services.rfq_open, services.rfq_close):
        with pytest.raises(ValidationError):
            transition(rfq=rfq, by=procurement_user)


def test_managers_and_vendors_cannot_move_an_rfq(rfq, manager, vendor_a_user):
    for user in (manager, vendor_a_user):
        for transition in (services.rfq_close, services.rfq_open):
            with pytest.raises(PermissionDenied):
                transition(rfq=rfq, by=user)
    assert Rfq.objects.get(pk=rfq.pk).status == "open"


# --- editing -------------------------------------------------------------------------------


def test_an_open_rfq_can_be_edited_and_its_channels_replaced(rfq, procurement_user):
    services.rfq_update(
        rfq=rfq,
        by=procurement_user,
        data={"title": "Webshop 2026", "reference": ""},
        channels=[{"channel": "phone", "volume_per_month": 300, "aht_minutes": Decimal("6")}],
    )
    rfq.refresh_from_db()
    assert rfq.title == "Webshop 2026"
    assert rfq.reference == "RFQ-2026-001"  # an empty reference keeps the old one
    assert [c.channel for c in rfq.channels.all()] == ["phone"]


def test_a_closed_rfq_is_frozen(rfq, procurement_user):
    services.rfq_close(rfq=rfq, by=procurement_user)
    with pytest.raises(ValidationError) as exc:
        services.rfq_update(rfq=rfq, by=procurement_user, data={"title": "Changed"})
    assert "status" in exc.value.message_dict
    assert Rfq.objects.get(pk=rfq.pk).title == "Webshop customer service"


def test_moving_the_deadline_into_the_past_is_refused(rfq, procurement_user):
    with pytest.raises(ValidationError) as exc:
        services.rfq_update(
            rfq=rfq,
            by=procurement_user,
            data={"quote_deadline": timezone.now() - timedelta(minutes=1)},
        )
    assert "quote_deadline" in exc.value.message_dict
    assert Rfq.objects.get(pk=rfq.pk).quote_deadline == DEADLINE
