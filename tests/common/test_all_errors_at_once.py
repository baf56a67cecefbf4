"""Issue 24 item 4: every error at once. The KPI API answers a wrong type and a broken
cross-field rule in one 422; a form reports its cross-field error beside its field errors."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tests.pilots.kpi_entry_helpers import NOW, START, make_pilot

pytestmark = pytest.mark.django_db


def kpi_body(**changes):
    body = {
        "tickets": 100,
        "csat_responses": 40,
        "csat_positive": 36,
        "frt_minutes": "35.50",
        "aht_minutes": "9.50",
        "fcr_resolved": 74,
        "cost": "310.00",
    }
    body.update(changes)
    return body


@pytest.fixture
def pilot(vendor_a):
    with time_machine.travel(NOW, tick=False):
        yield make_pilot(vendor_a, start=START, length=30)


@pytest.mark.parametrize("owner", ["pilots", "contracts"])
def test_the_kpi_api_names_type_and_cross_field_errors_in_one_422(
    api_as, vendor_a_user, pilot, owner
):
    if owner == "contracts":
        from tests.contracts.factories import ContractFactory

        period = ContractFactory(vendor=pilot.vendor, start_date=START)
    else:
        period = pilot
    body = kpi_body(aht_minutes="lots", csat_responses=10, csat_positive=11, cost=True)
    with time_machine.travel(NOW, tick=False):
        response = api_as(vendor_a_user).put(f"/api/v1/{owner}/{period.pk}/kpis/2026-03-02", body)

    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert set(errors) == {"aht_minutes", "csat_positive", "cost"}, errors
    assert errors["csat_positive"] == ["Cannot exceed the number of CSAT responses."]


def test_the_kpi_api_document_still_types_and_requires_the_numbers(client):
    document = client.get("/api/v1/openapi.json").json()
    schema = document["components"]["schemas"]["KpiIn"]
    assert {"tickets", "cost", "fcr_resolved"} <= set(schema["required"])
    assert schema["properties"]["tickets"]["type"] == "integer"


def test_the_kpi_api_still_takes_a_good_day(api_as, vendor_a_user, pilot):
    with time_machine.travel(NOW, tick=False):
        response = api_as(vendor_a_user).put(
            f"/api/v1/pilots/{pilot.pk}/kpis/2026-03-02", kpi_body(frt_minutes=35.5)
        )
    assert response.status_code == 201, response.content
    assert response.json()["frt_minutes"] == "35.50"
    assert response.json()["date"] == date(2026, 3, 2).isoformat()
    assert Decimal(response.json()["cost"]) == Decimal("310.00")


# --- forms: the cross-field rule beside the field errors ---------------------------------------


def test_the_calculator_says_the_weights_count_beside_a_field_error():
    from costing.forms import CalculatorForm
    from tests.costing.test_views_calculator import form_data

    form = CalculatorForm(
        form_data(
            channel="phone",
            opens_at_hour="9",
            open_hours_per_day="8",
            open_days_per_week="5",
            hourly_weights="\n".join(["1"] * 7),
            gross_salary_month="lots",
        )
    )

    assert not form.is_valid()
    assert "gross_salary_month" in form.errors
    assert form.errors["hourly_weights"] == ["Give one weight per open hour: 8 (you gave 7)."]


def test_the_rfq_page_says_the_weights_count_beside_a_field_error(procurement_client):
    from django.urls import reverse

    from tests.procurement.test_rfq_pages import _rfq_post

    data = _rfq_post(
        **{
            "title": "",
            "opens_at": "09:00",
            "closes_at": "17:00",
            "chat-hourly_weights": "\n".join(["2"] * 7),
        }
    )
    response = procurement_client.post(reverse("procurement:rfq_create"), data)

    assert response.status_code == 422
    assert "title" in response.context["form"].errors
    (chat,) = [c for c in response.context["channel_forms"] if c.channel == "chat"]
    assert chat.errors["hourly_weights"] == ["Give one weight per open hour: 8 (you gave 7)."]


# --- issue 24 item 7: command output in words, with plurals -----------------------------------


def test_command_summaries_use_singular_and_plural():
    from django.utils import translation

    from pilots.management.commands.evaluate_pilots import emails_sent

    assert emails_sent(1) == "1 e-mail sent"
    assert emails_sent(2) == "2 e-mails sent"
    with translation.override("nl"):
        assert emails_sent(1) == "1 e-mail verzonden"


def test_the_digest_command_says_1_digest(capsys):
    from datetime import date

    from django.core.management import call_command

    call_command("send_digest", "--date", date(2026, 3, 2).isoformat())
    out = capsys.readouterr().out
    assert "0 digests sent" in out and "digest(s)" not in out
