"""docs/domain.md §1 on the pages: the calculator and the comparison show the dedicated desk
and the desk combined with own work for every live channel, with the whitepaper's
warning; the RFQ's baseline (and the calculator) choose which one is compared; a queue
too large names its volume field (issue 20 item 7)."""

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.models import Rfq
from tests.costing.factories import QuoteFactory, RfqFactory
from tests.costing.test_views_calculator import URL, form_data

pytestmark = pytest.mark.django_db

# The whitepaper's live chat 09:00–23:00 on 7 days, 30 chats a day (882 a month), 10 min,
# at €2,000 gross × 1.2 = €2,400 a month per FTE.
WHITEPAPER_CHAT = {
    "channel": "chat",
    "volume_per_month": "882",
    "aht_minutes": "10",
    "opens_at_hour": "9",
    "open_hours_per_day": "14",
    "open_days_per_week": "7",
    "gross_salary_month": "2000",
    "employer_costs_pct": "20",
}


def test_the_calculator_shows_both_in_house_options_with_the_warning(procurement_client):
    response = procurement_client.post(URL, form_data(**WHITEPAPER_CHAT))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-live-option="dedicated"' in html and 'data-live-option="combined"' in html
    assert "€5,880.00" in html  # 2.45 FTE × €2,400 (411.6 seat hours / 168)
    assert "€1,235.29" in html  # 86.47 workload hours × €2,400 / 168
    assert "a chat takes at least 10 minutes" in html
    estimate = response.context["result"].estimate
    assert estimate.in_house.fte == Decimal("2.45")  # dedicated is compared by default


def test_the_calculator_compares_the_combined_desk_when_chosen(procurement_client):
    response = procurement_client.post(URL, form_data(**WHITEPAPER_CHAT, live_staffing="combined"))

    estimate = response.context["result"].estimate
    assert f"{estimate.in_house.monthly:.2f}" == "1235.29"


def test_the_calculator_takes_shrinkage_and_hours_a_week(procurement_client):
    # 411.6 seat hours / (1 − 0.30) / (36 × 4.2 = 151.2) = 3.888… → 3.89 FTE.
    response = procurement_client.post(
        URL, form_data(**WHITEPAPER_CHAT, shrinkage_pct="30", hours_per_week="36")
    )
    assert response.context["result"].estimate.in_house.fte == Decimal("3.89")


def test_a_calculator_queue_too_large_names_the_volume(procurement_client):
    # 10 million calls of 60 minutes in 8 hours on 5 days
    # are 59,524 Erlangs, more than 10,000 seats an hour.
    response = procurement_client.post(
        URL,
        form_data(
            channel="phone",
            volume_per_month="10000000",
            aht_minutes="60",
            open_hours_per_day="8",
            open_days_per_week="5",
        ),
    )
    form = response.context["form"]
    assert "volume_per_month" in form.errors
    assert "split" in " ".join(form.errors["volume_per_month"]).lower()
    assert "service_level_pct" not in form.errors


@pytest.fixture
def chat_rfq(procurement_user):
    rfq = RfqFactory(
        owner=procurement_user,
        ih_fte=None,
        ih_gross_salary_month=Decimal(2000),
        ih_employer_costs_pct=Decimal(20),
        opens_at=time(9),
        closes_at=time(23),
        days_per_week=7,
        channels=[("chat", 882, "10")],
    )
    rfq.channels.update(concurrency=Decimal("1.7"), service_level_pct=80, answer_seconds=60)
    return rfq


def test_the_comparison_shows_both_options_and_uses_the_baselines_choice(
    procurement_client, api_as, procurement_user, chat_rfq
):
    QuoteFactory(rfq=chat_rfq)
    url = reverse("costing:comparison", args=[chat_rfq.pk])

    html = procurement_client.get(url).content.decode()
    assert 'id="in-house-live-options"' in html and "visitors leave" in html
    body = api_as(procurement_user).get(f"/api/v1/rfqs/{chat_rfq.pk}/comparison").json()
    assert body["in_house"]["dedicated"] == {"fte": "2.45", "monthly": "5880.00", "tco": "70560.00"}
    assert body["in_house"]["combined"]["monthly"] == "1235.29"
    assert body["in_house"]["tco"] == "70560.00"

    Rfq.objects.filter(pk=chat_rfq.pk).update(ih_live_staffing="combined")
    body = api_as(procurement_user).get(f"/api/v1/rfqs/{chat_rfq.pk}/comparison").json()
    assert body["in_house"]["live_staffing"] == "combined"
    assert body["in_house"]["tco"] == "14823.53"  # 12 × 1,235.294…
    (quote,) = body["quotes"]
    assert quote["savings"] == f"{Decimal('14823.53') - Decimal(quote['outsourced']['tco']):.2f}"


def test_a_comparison_queue_too_large_names_the_channels_volume(api_as, procurement_user, chat_rfq):
    chat_rfq.channels.update(volume_per_month=10_000_000, aht_minutes=Decimal(480))
    response = api_as(procurement_user).get(f"/api/v1/rfqs/{chat_rfq.pk}/comparison")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["rfq.channels.chat.volume_per_month"]
    assert "split" in errors["rfq.channels.chat.volume_per_month"][0].lower()


def test_the_xlsx_shows_both_options_as_formulas(procurement_client, chat_rfq):
    import io

    import openpyxl

    from costing.xlsx import RESULT_ROWS
    from tests.costing.test_xlsx import Book

    QuoteFactory(rfq=chat_rfq)
    content = procurement_client.get(reverse("costing:comparison_xlsx", args=[chat_rfq.pk])).content
    stored = openpyxl.load_workbook(io.BytesIO(content), data_only=True)["Results"]
    book = Book(content)  # the test's own evaluator recomputes every formula
    expected = {
        "dedicated_fte": Decimal("2.45"),  # 411.6 / 168
        "dedicated_monthly": Decimal("5880.00"),  # 2.45 × 2,400
        "combined_fte": Decimal("0.51"),  # 86.47 / 168
        "combined_monthly": Decimal("1235.29"),  # 86.47 × 2,400 / 168
    }
    for name, value in expected.items():
        cell = f"B{RESULT_ROWS[name]}"
        assert Decimal(str(stored[cell].value)).quantize(Decimal("0.01")) == value
        assert book[f"Results!{cell}"].quantize(Decimal("0.01")) == value
    # The chosen option (dedicated by default) is the in-house monthly cost.
    assert book["Results!B12"].quantize(Decimal("0.01")) == Decimal("5880.00")
