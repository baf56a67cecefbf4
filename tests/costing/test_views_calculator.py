"""The calculator page: the cost article's example by default, recalculation by POST (whole
page or an htmx partial), errors on their fields, Erlang C for chat and phone, access."""

from decimal import Decimal

import pytest
from django.urls import reverse

from common.numbers import convention_for, write_number
from costing.forms import CalculatorForm, StaffingForm

URL = reverse("costing:calculator")
NBSP = "\u00a0"


def form_data(language="en", **changes):
    """What the browser posts for the default page, with changes; numbers as the page shows
    them in `language` (docs/domain.md §8: a Dutch page shows and reads 1,7)."""
    data = {
        **CalculatorForm.default_data(),
        **StaffingForm.default_data("chat"),
        **StaffingForm.default_data("phone"),
    }
    data.update(changes)
    convention = convention_for(language)

    def text(value):
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return write_number(value, convention)
        return str(value)

    return {key: text(value) for key, value in data.items()}


@pytest.mark.django_db
def test_the_page_opens_on_the_cost_article_example(procurement_client):
    response = procurement_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    estimate = response.context["result"].estimate
    assert estimate.in_house.tco == Decimal("40500")
    assert '<td class="num" id="in-house-tco">€40,500.00</td>' in html
    assert '<td class="num" id="outsourced-tco">€20,000.00</td>' in html
    assert '<div class="fs-5 text-success" id="savings">€20,500.00</div>' in html
    assert '<div class="fs-5" id="savings-pct">50.62%</div>' in html
    assert '<div class="fs-5" id="roi">102.50%</div>' in html
    assert '<div class="fs-5" id="break-even">month 2</div>' in html
    assert '<dd class="col-sm-6 num" id="fte-required">0.52</dd>' in html
    assert ">83.33 <" in html  # workload hours a month


@pytest.mark.django_db
def test_the_page_speaks_dutch_with_dutch_numbers(procurement_client, procurement_user):
    procurement_user.language = "nl"
    procurement_user.save()

    html = procurement_client.get(URL).content.decode()

    assert f'id="in-house-tco">€{NBSP}40.500,00<' in html
    assert f'id="outsourced-tco">€{NBSP}20.000,00<' in html
    assert 'id="roi">102,50%<' in html
    assert "Kostencalculator" in html
    assert "maand 2" in html
    # The inputs show Dutch numbers as well, and read them back.
    assert 'value="2.500"' in html


@pytest.mark.django_db
def test_the_chart_marks_the_break_even_month(procurement_client):
    html = procurement_client.get(URL).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "Break-even: month 2" in html
    assert html.count("<polyline") == 2  # in-house and outsourced


@pytest.mark.django_db
def test_a_post_recalculates_the_whole_page_without_javascript(procurement_client):
    response = procurement_client.post(URL, form_data(months=24))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html  # the whole page
    assert 'id="in-house-tco">€81,000.00<' in html
    assert 'id="outsourced-tco">€38,000.00<' in html


@pytest.mark.django_db
def test_an_htmx_post_returns_only_the_calculator(procurement_client):
    response = procurement_client.post(URL, form_data(hourly_rate="20"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "navbar" not in html
    assert html.lstrip().startswith('<div id="calculator">')
    assert 'hx-post="/costing/calculator/"' in html
    assert 'id="outsourced-tco">€22,000.00<' in html  # 20 × 83.33 × 12 + 2,000


@pytest.mark.django_db
def test_volume_from_website_visitors_and_chat_rate(procurement_client):
    # Whitepaper: 1,000 visitors a day at 3% → 30 chats of 10 minutes → 5 hours a day.
    response = procurement_client.post(
        URL,
        form_data(
            volume_basis="visitors", volume_per_month="", visitors_per_day="1000", chat_rate_pct="3"
        ),
    )

    result = response.context["result"]
    assert result.workload.volume_per_month == Decimal("882.0")  # 30 × 29.4 days
    assert result.contacts_per_day == Decimal(30)
    assert result.workload_hours_per_day == Decimal(5)
    html = response.content.decode()
    assert "30 chats a day" in html
    assert "5.00 hours a day" in html


@pytest.mark.django_db
def test_the_whitepaper_hourly_cost_and_part_timer(procurement_client):
    # €2,000 gross × 1.2 = €2,400 a month → €14.29 an hour; 30 h/week = 0.75 FTE → €1,800.
    response = procurement_client.post(
        URL, form_data(gross_salary_month="2000", employer_costs_pct="20", in_house_fte="0.75")
    )

    assert response.context["result"].estimate.in_house.monthly == Decimal(1800)
    html = response.content.decode()
    assert 'id="in-house-hourly">€14.29<' in html
    assert "€1,800.00" in html

    with_absence = procurement_client.post(
        URL,
        form_data(
            gross_salary_month="2000",
            employer_costs_pct="20",
            in_house_fte="0.75",
            absence_pct="10",
        ),
    )
    assert with_absence.context["result"].estimate.in_house.monthly == Decimal(1980)


@pytest.mark.django_db
def test_productive_hours_a_year(procurement_client):
    # 1,000 productive hours a year are 83.33 a month: exactly the cost article's workload.
    response = procurement_client.post(
        URL,
        form_data(
            hours_basis="year", productive_hours_per_month="", productive_hours_per_year="1000"
        ),
    )

    assert response.context["result"].estimate.fte_required == Decimal(1)


@pytest.mark.django_db
def test_the_three_scenarios_side_by_side_with_editable_factors(procurement_client):
    response = procurement_client.post(URL, form_data(pessimistic_volume="1.5"))

    scenarios = {s.name: s for s in response.context["result"].scenarios}
    assert list(scenarios) == ["pessimistic", "realistic", "optimistic"]
    assert scenarios["pessimistic"].workload.volume_per_month == Decimal(750)
    assert scenarios["realistic"].estimate.outsourced.tco == Decimal(20000)
    # Optimistic: 400 tickets × 9 min = 60 h × €18 × 12 + €2,000.
    assert scenarios["optimistic"].estimate.outsourced.tco == Decimal(14960)
    html = response.content.decode()
    assert 'name="pessimistic_volume" value="1.5"' in html
    assert "€14,960.00" in html


@pytest.mark.django_db
def test_erlang_c_panels_start_from_the_calculators_own_inputs(procurement_client):
    # Issue 11: 500 contacts a month open 14 hours on 7 days → 500 / (7 × 4.2 × 14) = 1.21
    # contacts in an average open hour of 600 s, not an unrelated textbook example.
    response = procurement_client.get(URL)

    panels = {panel["channel"]: panel for panel in response.context["staffing_panels"]}
    phone_form = panels["phone"]["form"]
    assert phone_form.data["phone-contacts_per_interval"] == Decimal("1.21")
    assert phone_form.data["phone-interval_minutes"] == Decimal(60)
    assert phone_form.data["phone-aht_seconds"] == Decimal(600)
    assert phone_form.data["phone-target_answer_seconds"] == Decimal(20)
    assert panels["chat"]["form"].data["chat-target_answer_seconds"] == Decimal(60)
    assert panels["chat"]["form"].data["chat-concurrency"] == Decimal("1.7")
    assert panels["phone"]["result"].agents == 1  # a trickle: one seat keeps the line open


@pytest.mark.django_db
def test_the_erlang_panel_reproduces_callcentrehelpers_example(procurement_client):
    example = {
        "phone-contacts_per_interval": "100",
        "phone-interval_minutes": "30",
        "phone-aht_seconds": "180",
        "phone-target_service_level_pct": "80",
        "phone-target_answer_seconds": "20",
        "phone-max_occupancy_pct": "85",
        "phone-shrinkage_pct": "30",
        "phone-concurrency": "1",
    }
    response = procurement_client.post(URL, form_data(**example))

    panels = {panel["channel"]: panel for panel in response.context["staffing_panels"]}
    phone = panels["phone"]["result"]
    # callcentrehelper's example: 14 agents, 88.84%, 20.00 FTE.
    assert phone.agents == 14
    assert phone.scheduled_fte.quantize(Decimal("0.01")) == Decimal("20.00")
    html = response.content.decode()
    assert "88.84%" in html
    assert "20.00</td>" in html


# --- errors on the field, never a 500 -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"aht_minutes": "0"}, "aht_minutes", id="zero-aht"),
        pytest.param({"volume_per_month": "0"}, "volume_per_month", id="zero-volume"),
        pytest.param({"volume_per_month": ""}, "volume_per_month", id="no-volume"),
        pytest.param({"volume_per_month": "lots"}, "volume_per_month", id="volume-text"),
        pytest.param(
            {"volume_basis": "visitors", "visitors_per_day": ""},
            "visitors_per_day",
            id="no-visitors",
        ),
        pytest.param(
            {"volume_basis": "visitors", "visitors_per_day": "0"},
            "visitors_per_day",
            id="zero-visitors",
        ),
        pytest.param(
            {"chat_rate_pct": "120", "volume_basis": "visitors"},
            "chat_rate_pct",
            id="rate-over-100",
        ),
        pytest.param(
            {"hours_basis": "year", "productive_hours_per_year": "0"},
            "productive_hours_per_year",
            id="zero-hours-year",
        ),
        pytest.param(
            {"coverage_hours_per_week": "200"}, "coverage_hours_per_week", id="coverage-over-a-week"
        ),
        pytest.param({"months": "36"}, "months", id="term-out-of-range"),
        pytest.param({"in_house_fte": "-1"}, "in_house_fte", id="negative-fte"),
        pytest.param({"absence_pct": "-3"}, "absence_pct", id="negative-absence"),
        pytest.param({"hourly_rate": ""}, "hourly_rate", id="hourly-without-rate"),
        pytest.param(
            {"pricing_model": "per_ticket"}, "per_ticket_rate", id="per-ticket-without-rate"
        ),
        pytest.param(
            {"pricing_model": "subscription"}, "monthly_fee", id="subscription-without-fee"
        ),
        pytest.param(
            {"pricing_model": "mixed", "monthly_fee": "500", "per_ticket_rate": "2"},
            "per_ticket_rate",
            id="mixed-two-rates",
        ),
        pytest.param({"pricing_model": "barter"}, "pricing_model", id="unknown-model"),
        pytest.param({"agents": "0"}, "agents", id="zero-agents"),
        pytest.param({"optimistic_aht": "0"}, "optimistic_aht", id="zero-scenario-factor"),
    ],
)
def test_bad_input_is_shown_on_its_field(procurement_client, changes, field):
    response = procurement_client.post(URL, form_data(**changes))

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert response.context["result"] is None
    html = response.content.decode()
    assert 'id="calculator-invalid"' in html
    assert "is-invalid" in html


@pytest.mark.django_db
def test_the_engine_message_is_translated_onto_the_field(procurement_client):
    response = procurement_client.post(URL, form_data(hourly_rate=""))
    assert response.context["form"].errors["hourly_rate"] == ["Required for hourly pricing."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param(
            {"phone-target_service_level_pct": "100"}, "target_service_level_pct", id="sl-100"
        ),
        pytest.param(
            {"phone-contacts_per_interval": "0"}, "contacts_per_interval", id="no-contacts"
        ),
        pytest.param({"phone-shrinkage_pct": "100"}, "shrinkage_pct", id="shrinkage-100"),
        pytest.param({"phone-concurrency": "0"}, "concurrency", id="zero-concurrency"),
        pytest.param(
            {"phone-contacts_per_interval": "999999"}, "contacts_per_interval", id="too-large"
        ),
    ],
)
def test_a_bad_staffing_input_is_shown_on_its_panel_only(procurement_client, changes, field):
    response = procurement_client.post(URL, form_data(**changes))

    assert response.status_code == 200
    panels = {panel["channel"]: panel for panel in response.context["staffing_panels"]}
    assert field in panels["phone"]["form"].errors
    assert panels["phone"]["result"] is None
    # The other panel and the cost result still show.
    assert panels["chat"]["result"] is not None
    assert response.context["result"] is not None


@pytest.mark.django_db
def test_an_empty_post_shows_errors_not_a_500(procurement_client):
    response = procurement_client.post(URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_dutch_users_type_dutch_numbers(procurement_client, procurement_user):
    procurement_user.language = "nl"
    procurement_user.save()

    response = procurement_client.post(
        URL,
        form_data("nl", gross_salary_month="2.500", hourly_rate="18,50", employer_costs_pct="35"),
    )

    estimate = response.context["result"].estimate
    assert estimate.in_house.monthly == Decimal("3375")
    assert estimate.outsourced.variable_monthly.quantize(Decimal("0.01")) == Decimal("1541.67")


# --- access -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "client_name", ["procurement_client", "manager_client", "admin_role_client"]
)
def test_internal_roles_may_use_the_calculator(request, client_name):
    assert request.getfixturevalue(client_name).get(URL).status_code == 200


@pytest.mark.django_db
def test_vendors_may_not_use_the_calculator_page(vendor_a_client):
    assert vendor_a_client.get(URL).status_code == 403
    assert vendor_a_client.post(URL, form_data()).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # the savings % would overflow any decimal: exponents are not read (common.strict)
        ({"in_house_fte": "1e-999998"}, "Enter a number."),
        # An absurd TCO never reaches the engine: the plausible bounds refuse it in words.
        (
            {"volume_per_month": "1000000000000", "aht_minutes": "1000000000000"},
            "Enter at most 10,000,000 contacts a month.",
        ),
    ],
)
def test_numbers_beyond_decimal_range_are_an_error_not_a_500(procurement_client, changes, message):
    response = procurement_client.post(URL, form_data(**changes))

    assert response.status_code == 200
    assert response.context["result"] is None
    assert message in response.content.decode()


@pytest.mark.django_db
def test_the_calculate_button_comes_after_every_input(procurement_client):
    html = procurement_client.get(URL).content.decode()

    button = html.index('id="calculate"')
    last_input = max(
        html.rindex(f'name="{name}"') for name in ("phone-concurrency", "optimistic_aht")
    )
    assert button > last_input
    assert 'class="vp-savebar' in html


# --- live channels and pricing fixes (issue 11) ---------------------------------------------

PHONE_CHECK = {
    # docs/domain.md §1: 6,000 calls, 4 min, 09:00–17:00 on 5 days, 80/20, equal weights.
    "channel": "phone",
    "volume_per_month": "6000",
    "aht_minutes": "4",
    "opens_at_hour": "9",
    "open_hours_per_day": "8",
    "open_days_per_week": "5",
    "in_house_fte": "",
}


@pytest.mark.django_db
def test_a_phone_line_is_staffed_hour_by_hour(procurement_client):
    response = procurement_client.post(URL, form_data(**PHONE_CHECK))

    assert response.status_code == 200
    estimate = response.context["result"].estimate
    assert estimate.staffing.seat_hours_per_month == Decimal(840)
    assert f"{estimate.fte_required:.2f}" == "5.25"
    assert estimate.in_house.fte == Decimal("5.00")  # 840 seat hours / 168 paid hours
    panel = response.context["live_panel"]
    assert [row.seats for row in panel["rows"]] == [5] * 8
    assert panel["rows"][0].period == "09:00–10:00"
    assert panel["rows"][-1].period == "16:00–17:00"
    html = response.content.decode()
    assert 'id="staffing-table-phone"' in html
    assert "<svg" in html and "seats per open hour" in html
    assert "35.71" in html and "2.38" in html  # contacts and Erlangs an hour


@pytest.mark.django_db
def test_the_hour_by_hour_table_also_comes_with_htmx(procurement_client):
    response = procurement_client.post(URL, form_data(**PHONE_CHECK), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="staffing-table-phone"' in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.django_db
def test_pasted_hourly_weights_shape_the_day(procurement_client):
    # A column pasted from a spreadsheet, with its heading and a decimal.
    weights = "Calls\n1\n1\n1\n1\n1\n1\n1\n3.5"
    response = procurement_client.post(URL, form_data(**PHONE_CHECK, hourly_weights=weights))

    rows = response.context["live_panel"]["rows"]
    assert rows[-1].seats > rows[0].seats


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"hourly_weights": "1\n2\n3"}, "hourly_weights", id="weights-length"),
        pytest.param({"hourly_weights": "1\n0\n1\n1\n1\n1\n1\n1"}, "hourly_weights", id="zero"),
        pytest.param({"open_hours_per_day": "25"}, "open_hours_per_day", id="hours-range"),
        pytest.param({"open_hours_per_day": ""}, "open_hours_per_day", id="no-hours"),
        pytest.param({"coverage_hours_per_week": "40"}, "coverage_hours_per_week", id="coverage"),
        pytest.param(
            {
                "pricing_model": "per_ticket",
                "per_ticket_rate": "1.25",
                "hourly_rate": "",
                "onboarding_hours_per_agent": "60",
            },
            "onboarding_hourly_rate",
            id="onboarding-without-rate",
        ),
        pytest.param({"other_fees": "reporting; lots; month"}, "other_fees", id="fee-amount"),
        pytest.param({"transition_months": "-1"}, "transition_months", id="transition"),
    ],
)
def test_bad_live_and_pricing_input_is_shown_on_its_field(procurement_client, changes, field):
    response = procurement_client.post(URL, form_data(**{**PHONE_CHECK, **changes}))

    assert response.status_code == 200
    assert response.context["result"] is None
    assert field in response.context["form"].errors, response.context["form"].errors


@pytest.mark.django_db
def test_the_training_rate_other_fees_and_transition_are_priced(procurement_client):
    response = procurement_client.post(
        URL,
        form_data(
            pricing_model="per_ticket",
            per_ticket_rate="1.25",
            hourly_rate="",
            agents="2",
            onboarding_fee="0",
            onboarding_hours_per_agent="60",
            onboarding_hourly_rate="6",
            other_fees="Reporting module; 250; month\nSet-up; 1500; once",
            transition_months="1",
        ),
    )

    outsourced = response.context["result"].estimate.outsourced
    # 60 h × 2 agents × €6 + €1,500 set-up; €1.25 × 500 + €250 a month; one month of €3,375.
    assert outsourced.one_time == Decimal(2220)
    assert outsourced.monthly == Decimal(875)
    assert outsourced.transition == Decimal(3375)
    assert outsourced.tco == Decimal(12 * 875 + 2220 + 3375)
