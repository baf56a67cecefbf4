"""Issue 15: KPI numbers are read strictly on every door (common.strict): no "1_000", no JSON
true, no non-ASCII digits; a refused value is named and nothing is saved."""

import pytest
import time_machine

from kpis.csv_import import parse_kpi_csv
from kpis.days import KpiDayForm
from pilots.models import KpiEntry
from tests.pilots.kpi_entry_helpers import NOW, START, good_values, make_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30)


def _put(api_as, user, pilot, **overrides):
    body = good_values(**overrides)
    body.pop("qa_sampled")
    body.pop("note")
    return api_as(user).put(f"/api/v1/pilots/{pilot.pk}/kpis/2026-03-02", body)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tickets", "1_000", "Enter a whole number."),
        ("tickets", True, "Enter a whole number."),
        ("csat_responses", "٣", "Enter a whole number."),
        ("frt_minutes", "٣٥", "Enter a number."),
        ("cost", "3_10", "Enter a number."),
        ("cost", "310.005", "Use at most 2 decimal places."),
    ],
)
def test_the_api_refuses_lenient_numbers_naming_the_field(
    api_as, vendor_a_user, pilot, field, value, message
):
    response = _put(api_as, vendor_a_user, pilot, **{field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert not KpiEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("tickets", "1_000"), ("tickets", "٣"), ("aht_minutes", "9_5"), ("cost", "٣١٠")],
)
def test_the_form_refuses_underscores_and_non_ascii_digits(pilot, field, value):
    form = KpiDayForm({"day": "2026-03-02", **good_values(**{field: value})}, period=pilot)
    assert not form.is_valid()
    assert field in form.errors


def test_the_form_still_reads_the_users_own_format(pilot):
    from django.utils import translation

    with translation.override("nl"):
        form = KpiDayForm(
            {
                "day": "2026-03-02",
                **good_values(frt_minutes="35,5", aht_minutes="9,50", cost="1.310,00"),
            },
            period=pilot,
        )
        assert form.is_valid(), form.errors
    assert str(form.cleaned_data["cost"]) == "1310.00"


def test_a_csv_row_with_an_underscore_is_a_row_error(pilot):
    raw = (
        b"date,tickets,csat_responses,csat_positive,frt_minutes,aht_minutes,fcr_resolved,cost\n"
        b"2026-03-02,1_000,40,36,35.5,9.5,74,310\n"
    )
    result = parse_kpi_csv(raw=raw, period=pilot, today=NOW.date())
    assert not result.rows
    assert [(e.line, e.field) for e in result.errors] == [(2, "tickets")]
