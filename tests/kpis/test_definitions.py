"""Every surface lists every KPI of the one table (kpis/definitions.py): a new KPI is one row
(and its migration), and this test names whatever surface forgot it."""

import pytest

from kpis import presentation
from kpis.csv_import import COLUMNS, EXAMPLE_ROW
from kpis.days import VALUE_FIELDS, KpiDayForm, kpi_sums
from kpis.definitions import (
    CORE_KEYS,
    DAILY_FIELDS,
    EXTRA_DAILY_FIELDS,
    EXTRA_KEYS,
    KPIS,
    SUM_TERMS,
)
from kpis.forms import KpiEntryForm
from kpis.models import TARGET_FIELDS, KpiDay
from kpis.rules import REMEDY, KpiTotals
from kpis.schemas import KpiEntryOut, KpiIn, KpisOut
from kpis.selectors import daily_series
from pilots.forms import PilotForm
from pilots.models import KpiEntry


def _daily_fields_of_every_kpi() -> set[str]:
    return {name for kpi in KPIS for name in kpi.daily_fields}


def test_the_table_is_consistent():
    keys = [k.key for k in KPIS]
    assert len(keys) == len(set(keys))
    assert len(CORE_KEYS) == 5  # the seed's verdict counts five
    assert set(EXTRA_KEYS) == {"service_level_pct", "abandon_pct", "nps", "qa_score_pct"}
    daily = {f.name for f in DAILY_FIELDS}
    assert _daily_fields_of_every_kpi() <= daily
    for kpi in KPIS:
        for term in (*kpi.numerator, kpi.denominator):
            assert term.field in daily and set(term.when) <= daily
        assert kpi.remedy in presentation.REMEDY_LABELS
        assert (kpi.target_field is not None) == kpi.core
    assert set(TARGET_FIELDS) == set(CORE_KEYS)


@pytest.mark.parametrize("kpi", KPIS, ids=lambda k: k.key)
def test_every_surface_lists_the_kpi(kpi):
    # The day: model, form, page layout, CSV columns and template, API in and out.
    model_fields = {f.name for f in KpiDay._meta.get_fields()}
    concrete_fields = {f.name for f in KpiEntry._meta.get_fields()}
    for name in kpi.daily_fields:
        assert name in model_fields and name in concrete_fields
        assert name in KpiDayForm.base_fields
        assert name in VALUE_FIELDS
        assert name in COLUMNS and name in EXAMPLE_ROW
        assert name in KpiIn.model_fields and name in KpiEntryOut.model_fields
    # The sums in SQL and in Python, and the pooled value.
    sums = kpi_sums()
    for term in (*kpi.numerator, kpi.denominator):
        assert f"sum_{term.name}" in sums and term.name in SUM_TERMS
    assert kpi.key in KpiTotals().pooled()
    # Words, units, remedy; the scorecard API; the chart series.
    assert kpi.key in presentation.KPI_LABELS and kpi.key in presentation.KPI_UNITS
    assert kpi.key in REMEDY
    assert kpi.key in KpisOut.model_fields
    assert kpi.key in daily_series([], period=None)
    # Choosing it on a pilot: a core target field, or an extra's target; must-meet for all.
    if kpi.core:
        assert kpi.target_field in PilotForm.base_fields
    else:
        assert f"extra_{kpi.key}" in PilotForm.base_fields
    assert kpi.key in dict(PilotForm.base_fields["must_meet"].choices)


def test_the_entry_page_lays_out_every_daily_field(vendor_a):
    from tests.pilots.kpi_entry_helpers import make_pilot

    form = KpiEntryForm(period=make_pilot(vendor_a))
    laid_out = {
        getattr(pointer, "name", None) or pointer[1]
        for pointer in form.helper.layout.get_field_names()
    }
    assert set(EXTRA_DAILY_FIELDS) <= laid_out


pytestmark = pytest.mark.django_db
