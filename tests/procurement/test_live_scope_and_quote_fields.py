"""Issue 11 on the procurement side: a live channel's queue settings and hourly weights on an
RFQ's scope, the transition months, and the quote template's training rate and other fees —
through the API (422 naming the field) and the pages (the error on its field)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.models import Quote, Rfq, RfqChannel
from procurement.scope import parse_hourly_weights
from tests.procurement.test_api import RFQ_BODY, _errors
from tests.procurement.test_rfq_pages import _rfq_post

pytestmark = pytest.mark.django_db

PHONE = {"channel": "phone", "volume_per_month": 6000, "aht_minutes": 4}


def rfq_body(*channels, **changes):
    return {**RFQ_BODY, "channels": list(channels), **changes}


# --- the hourly weights as typed or pasted ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "language", "weights"),
    [
        ([1, "2", Decimal("0.5")], "en", ["1", "2", "0.5"]),  # as the API gives them
        ([1, "2", Decimal("0.5")], "nl", ["1", "2", "0.5"]),
        ("Calls\n120\n95\n\n80\n", "en", ["120", "95", "80"]),  # a column with its heading
        ("09:00\t120\r\n10:00\t1.234,5", "nl", ["120", "1234.5"]),  # hour beside count, Dutch
        ("09:00\t120\r\n10:00\t1,234.5", "en", ["120", "1234.5"]),
        ("12,5\n7", "nl", ["12.5", "7"]),
        ("12.5\n7", "en", ["12.5", "7"]),
        ("1 2 3,5", "nl", ["1", "2", "3.5"]),  # typed on one line
        ("1 2 3.5", "en", ["1", "2", "3.5"]),
        ("1; 2; 3", "en", ["1", "2", "3"]),
        ("1, 2, 3", "en", ["1", "2", "3"]),
        ("1,500\n2,000", "en", ["1500", "2000"]),
        ("1.500\n2.000", "nl", ["1500", "2000"]),
        ("", "en", []),
        (None, "en", []),
    ],
)
def test_weights_are_typed_or_pasted_from_a_column(value, language, weights):
    assert parse_hourly_weights(value, language=language) == [Decimal(w) for w in weights]


@pytest.mark.parametrize("value", ["1\n0\n2", [1, -1], "1\nlots\n2", "Calls", "1 two 3"])
def test_weights_must_be_positive_numbers(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_hourly_weights(value)


@pytest.mark.parametrize(
    ("value", "language", "hint"),
    [
        ("12,5\n7", "en", "write 12.5"),  # docs/domain.md §8: could mean two things
        ("1,2,3", "en", "Line 1"),
        ("12.5\n7", "nl", "schrijf 12,5"),
        ("1,2,3", "nl", "Regel 1"),
        (["1,5"], "en", "Line 1 is not a number"),  # the API: a point and no grouping
    ],
)
def test_weights_that_could_mean_two_things_are_refused_with_how_to_write_them(
    value, language, hint
):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override(language), pytest.raises(ValidationError) as caught:
        parse_hourly_weights(value, language=language)
    assert hint in caught.value.messages[0]


# --- API --------------------------------------------------------------------------------------


def test_a_live_channel_takes_its_queue_settings_and_weights(api_as, procurement_user):
    weights = [1, 1, 2, 3, 3, 2, 1, 1]
    body = rfq_body(
        {
            **PHONE,
            "concurrency": 1,
            "service_level_pct": 90,
            "answer_seconds": 15,
            "hourly_weights": weights,
        },
        transition_months=2,
    )

    response = api_as(procurement_user).post("/api/v1/rfqs", body)

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["transition_months"] == 2
    (phone,) = out["channels"]
    assert (phone["concurrency"], phone["service_level_pct"], phone["answer_seconds"]) == (
        "1.00",
        "90.00",
        "15.00",
    )
    assert phone["hourly_weights"] == [str(w) for w in weights]
    stored = RfqChannel.objects.get()
    assert stored.hourly_weights == [str(w) for w in weights]
    assert api_as(procurement_user).get(f"/api/v1/rfqs/{out['id']}").json()["channels"] == [phone]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hourly_weights": [1, 2, 3]}, "channels.0.hourly_weights"),  # 8 open hours
        ({"hourly_weights": [1, 1, 1, 1, 0, 1, 1, 1]}, "channels.0.hourly_weights"),
        ({"hourly_weights": [1, 1, 1, 1, -2, 1, 1, 1]}, "channels.0.hourly_weights"),
        ({"service_level_pct": 100}, "channels.0.service_level_pct"),
        ({"concurrency": 0}, "channels.0.concurrency"),
        ({"answer_seconds": -1}, "channels.0.answer_seconds"),
    ],
)
def test_a_bad_live_channel_is_422_naming_the_field(api_as, procurement_user, changes, field):
    response = api_as(procurement_user).post("/api/v1/rfqs", rfq_body({**PHONE, **changes}))

    assert field in _errors(response)
    assert not Rfq.objects.exists()


@pytest.mark.parametrize(
    ("channels", "changes", "field"),
    [
        ([PHONE], {"opens_at": "09:30"}, "opens_at"),  # a live desk opens on the hour
        ([PHONE], {"days_per_week": 8}, "days_per_week"),
        (
            [{"channel": "email", "volume_per_month": 500, "aht_minutes": 10, "concurrency": 2}],
            {},
            "channels.0.concurrency",
        ),
        ([PHONE], {"transition_months": 13}, "transition_months"),  # term 12
    ],
)
def test_a_bad_live_scope_is_422_naming_the_field(
    api_as, procurement_user, channels, changes, field
):
    response = api_as(procurement_user).post("/api/v1/rfqs", rfq_body(*channels, **changes))

    assert field in _errors(response)
    assert not Rfq.objects.exists()


def test_an_email_desk_may_open_at_half_past(api_as, procurement_user):
    body = rfq_body({"channel": "email", "volume_per_month": 500, "aht_minutes": 10})
    response = api_as(procurement_user).post("/api/v1/rfqs", {**body, "opens_at": "08:30"})
    assert response.status_code == 201, response.content


def test_onboarding_hours_without_any_rate_are_422_naming_the_training_rate(
    api_as, vendor_a_user, rfq, invitation_a
):
    body = {
        "pricing_model": "per_ticket",
        "per_ticket_rate": "1.25",
        "onboarding_hours_per_agent": 60,
    }

    response = api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", body)

    assert "onboarding_hourly_rate" in _errors(response)
    assert not Quote.objects.filter(status="submitted").exists()


def test_a_quote_takes_a_training_rate_and_other_fees(api_as, vendor_a_user, rfq, invitation_a):
    body = {
        "pricing_model": "per_ticket",
        "per_ticket_rate": "1.25",
        "onboarding_hours_per_agent": 60,
        "onboarding_hourly_rate": "6",
        "other_fees": [
            {"label": "Reporting module", "amount": 250, "per": "month"},
            {"label": "Set-up", "amount": "1500", "per": "once"},
        ],
    }

    response = api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", body)

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["onboarding_hourly_rate"] == "6.00"
    assert out["other_fees"] == [
        {"label": "Reporting module", "amount": "250.00", "per": "month"},
        {"label": "Set-up", "amount": "1500.00", "per": "once"},
    ]
    assert Quote.objects.get(pk=out["id"]).other_fees[1] == {
        "label": "Set-up",
        "amount": "1500.00",
        "per": "once",
    }


@pytest.mark.parametrize(
    ("fees", "field"),
    [
        ([{"label": "Set-up", "amount": 100, "per": "year"}], "other_fees.0.per"),
        ([{"label": " ", "amount": 100, "per": "once"}], "other_fees.0.label"),
        ([{"label": "Set-up", "amount": -5, "per": "once"}], "other_fees.0.amount"),
    ],
)
def test_a_bad_other_fee_is_422_naming_the_row(
    api_as, vendor_a_user, rfq, invitation_a, fees, field
):
    body = {"pricing_model": "hourly", "hourly_rate": 18, "other_fees": fees}

    errors = _errors(api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", body))

    assert field in errors or "other_fees.0.per" in errors or "other_fees" in str(errors)


# --- pages ------------------------------------------------------------------------------------


def test_the_rfq_form_takes_a_pasted_column_of_hourly_weights(procurement_client):
    column = "Chats\n" + "\n".join(
        ["10", "12", "15", "20", "22", "25", "25", "22", "20", "18", "16", "14", "12", "10.5"]
    )
    data = _rfq_post(
        **{"chat-hourly_weights": column, "chat-concurrency": "2.5", "transition_months": "1"}
    )

    response = procurement_client.post(reverse("procurement:rfq_create"), data)

    assert response.status_code == 302, response.context and response.context["form"].errors
    rfq = Rfq.objects.get()
    chat = rfq.channels.get(channel="chat")
    assert len(chat.hourly_weights) == 14 and chat.hourly_weights[-1] == "10.5"
    assert chat.concurrency == Decimal("2.5")
    assert (chat.service_level_pct, chat.answer_seconds) == (Decimal(80), Decimal(60))
    assert rfq.transition_months == 1
    assert rfq.channels.get(channel="email").concurrency is None


def test_weights_of_the_wrong_length_are_shown_on_the_channel(procurement_client):
    data = _rfq_post(**{"chat-hourly_weights": "1\n2\n3"})

    response = procurement_client.post(reverse("procurement:rfq_create"), data)

    assert response.status_code == 422
    chat_form = next(f for f in response.context["channel_forms"] if f.channel == "chat")
    assert "14" in " ".join(chat_form.errors["hourly_weights"])
    assert not Rfq.objects.exists()


def test_a_live_desk_that_opens_at_half_past_is_a_form_error(procurement_client):
    response = procurement_client.post(
        reverse("procurement:rfq_create"), _rfq_post(opens_at="09:30")
    )

    assert response.status_code == 422
    assert "opens_at" in response.context["form"].errors
    assert not Rfq.objects.exists()


def test_the_quote_form_refuses_onboarding_hours_without_a_rate(rfq, invitation_a, vendor_a_client):
    from tests.procurement.test_quote_pages import _template

    data = _template(
        pricing_model="per_ticket",
        hourly_rate="",
        per_ticket_rate="1.25",
        onboarding_hours_per_agent="60",
    )
    response = vendor_a_client.post(reverse("procurement:portal_quote", args=[rfq.pk]), data)

    assert response.status_code == 422
    assert "onboarding_hourly_rate" in response.context["form"].errors
    assert not Quote.objects.exists()


def test_the_quote_form_takes_a_training_rate_and_other_fees(rfq, invitation_a, vendor_a_client):
    from tests.procurement.test_quote_pages import _template

    data = _template(
        pricing_model="per_ticket",
        hourly_rate="",
        per_ticket_rate="1.25",
        onboarding_hours_per_agent="60",
        onboarding_hourly_rate="6",
        other_fees="Reporting module; 250; month\nSet-up; 1500; once",
    )
    response = vendor_a_client.post(reverse("procurement:portal_quote", args=[rfq.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    quote = Quote.objects.get()
    assert quote.onboarding_hourly_rate == Decimal(6)
    assert quote.other_fees == [
        {"label": "Reporting module", "amount": "250.00", "per": "month"},
        {"label": "Set-up", "amount": "1500.00", "per": "once"},
    ]
    page = vendor_a_client.get(reverse("procurement:portal_quote", args=[rfq.pk]), follow=True)
    assert "Reporting module; 250.00; month" in page.content.decode()


def test_a_bad_fee_line_is_a_form_error(rfq, invitation_a, vendor_a_client):
    from tests.procurement.test_quote_pages import _template

    data = _template(other_fees="Set-up; 1500; yearly")
    response = vendor_a_client.post(reverse("procurement:portal_quote", args=[rfq.pk]), data)

    assert response.status_code == 422
    assert "Line 1" in " ".join(response.context["form"].errors["other_fees"])
