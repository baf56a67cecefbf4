"""`common.bulk` (issue 22): one INSERT for many rows, as `bulk_create` does it — primary
keys set, `auto_now_add` filled, JSON, decimals and dates stored as given, a unique
constraint refusing the statement or skipping the row — on SQLite through `bulk_create`,
on PostgreSQL through one JSON document (run the module with DATABASE_URL=postgres://…)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from common.bulk import batches_kept_out_of_gc, bulk_insert
from pilots.models import Alert, AlertKind, Scorecard
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _card(pilot, day: int, **extra) -> Scorecard:
    return Scorecard(
        pilot=pilot,
        checkpoint_day=day,
        window_from=date(2026, 1, 1),
        window_to=date(2026, 1, 1) + timedelta(days=day - 1),
        kpis={"csat_pct": {"value": "80.91", "met": False, "interval": ["70.00", "88.10"]}},
        met_count=3,
        data_coverage_pct=Decimal("96.67"),
        verdict=None,
        details={"note": 'quotes " and \\ backslashes, ünïcode', "missed": []},
        **extra,
    )


def test_rows_come_back_as_given_with_their_keys():
    pilot = PilotFactory()
    made = bulk_insert([_card(pilot, 30), _card(pilot, 31)])
    assert [c.checkpoint_day for c in made] == [30, 31]
    assert all(c.pk and not c._state.adding and c.created_at for c in made)
    for card in made:
        stored = Scorecard.objects.get(pk=card.pk)
        assert stored.checkpoint_day == card.checkpoint_day
        assert stored.kpis == card.kpis
        assert stored.details == card.details
        assert stored.data_coverage_pct == Decimal("96.67")
        assert stored.verdict is None
        assert stored.window_to == card.window_to
        assert stored.created_at == card.created_at


def test_a_unique_constraint_refuses_the_statement_or_skips_the_row():
    pilot = PilotFactory()
    bulk_insert([_card(pilot, 30)])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert([_card(pilot, 60), _card(pilot, 30)])
    assert Scorecard.objects.filter(pilot=pilot).count() == 1

    alert = {"pilot": pilot, "kind": AlertKind.MISSING_DAY, "key": "2026-01-02"}
    bulk_insert([Alert(**alert)], ignore_conflicts=True)
    bulk_insert([Alert(**alert), Alert(**{**alert, "key": "2026-01-03"})], ignore_conflicts=True)
    assert sorted(Alert.objects.values_list("key", flat=True)) == ["2026-01-02", "2026-01-03"]
    assert Alert.objects.get(key="2026-01-03").params == {}


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert([]) == []


def test_the_gc_freeze_of_a_job_is_undone_at_its_end():
    import gc

    with batches_kept_out_of_gc() as batch_done:
        batch_done()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
