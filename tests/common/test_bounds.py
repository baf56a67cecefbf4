"""Plausible bounds: defined once (common.bounds), refused by form and API in the same words."""

import copy
from decimal import Decimal

import pytest
from django.utils import translation

from common.bounds import BOUNDS, check_bound
from costing.forms import CalculatorForm, StaffingForm
from procurement.forms import ChannelForm
from tests.costing.test_api_estimate import API_EXAMPLE_REQUEST
from tests.procurement.test_api import RFQ_BODY

VOLUME_MESSAGE = "Enter at most 10,000,000 contacts a month."
TOO_MANY_EMAILS = "99999999999"  # 99,999,999,999 e-mails a month


def calculator_data(**changes):
    return {
        **CalculatorForm.default_data(),
        **StaffingForm.default_data("chat"),
        **StaffingForm.default_data("phone"),
        **changes,
    }


def test_the_limit_is_written_in_words_in_each_language():
    with pytest.raises(Exception) as error:
        check_bound("volume_per_month", Decimal(TOO_MANY_EMAILS))
    assert error.value.messages == [VOLUME_MESSAGE]
    with translation.override("nl"):
        assert (
            BOUNDS["volume_per_month"].message == "Vul hoogstens 10.000.000 contacten per maand in."
        )
        assert BOUNDS["hourly_rate"].message == "Vul hoogstens €\u00a01.000,00 per uur in."
    assert "E+" not in "".join(bound.message for bound in BOUNDS.values())


def test_a_plausible_value_passes():
    check_bound("volume_per_month", 10_000_000)
    check_bound("volume_per_month", None)
    check_bound("volume_per_month", "not a number")  # the field's own check says so


def test_the_calculator_refuses_99_999_999_999_emails_a_month():
    form = CalculatorForm(calculator_data(volume_per_month=TOO_MANY_EMAILS))

    assert not form.is_valid()
    assert form.errors["volume_per_month"] == [VOLUME_MESSAGE]


@pytest.mark.django_db
def test_the_estimate_api_refuses_it_with_the_forms_words(api_as, manager):
    body = copy.deepcopy(API_EXAMPLE_REQUEST)
    body["volume_per_month"] = int(TOO_MANY_EMAILS)

    response = api_as(manager).post("/api/v1/costing/estimate", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {"volume_per_month": [VOLUME_MESSAGE]}


@pytest.mark.django_db
def test_the_rfq_form_and_the_rfq_api_refuse_the_same_volume_in_the_same_words(
    api_as, procurement_user
):
    channel = ChannelForm(
        {
            "email-included": "on",
            "email-volume_per_month": TOO_MANY_EMAILS,
            "email-aht_minutes": "10",
        },
        channel="email",
    )
    assert not channel.is_valid()
    assert channel.errors["volume_per_month"] == [VOLUME_MESSAGE]

    body = copy.deepcopy(RFQ_BODY)
    body["channels"][0]["volume_per_month"] = int(TOO_MANY_EMAILS)
    response = api_as(procurement_user).post("/api/v1/rfqs", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {"channels.0.volume_per_month": [VOLUME_MESSAGE]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("aht_minutes", "100000", "Enter at most 480 minutes per contact."),
        ("gross_salary_month", "1000000", "Enter at most €100,000.00 a month per person."),
        ("hourly_rate", "5000", "Enter at most €1,000.00 an hour."),
        ("in_house_fte", "1000000", "Enter at most 100,000 people."),
        ("absence_pct", "150", "Enter a percentage of at most 100."),
    ],
)
def test_every_number_has_a_bound_in_words(field, value, message):
    form = CalculatorForm(calculator_data(**{field: value}))

    assert not form.is_valid()
    assert form.errors[field] == [message]
