"""The scorecard page, its PDF, the decision and the exit evaluation, and
`GET /api/v1/pilots/{id}/scorecards`: who may see and do what, and what they show."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import weasyprint
from django.urls import reverse

from pilots.evaluation import views as evaluation_views
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.models import (
    Alert,
    AlertKind,
    KpiEntry,
    Pilot,
    PilotStatus,
    Scorecard,
    ScorecardPdf,
)
from tests.pilots.conftest import CSAT_MISS, FCR_MISS, add_days, day_after, make_rfq_and_quote
from tests.pilots.factories import PilotFactory


@pytest.fixture
def quoted_pilot(pilot_with_days, vendor_a, procurement_user, manager):
    """Vendor A's 90-day e-mail pilot on the seed's quote, evaluated as of day 61."""
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor_a)
    pilot = pilot_with_days(
        60, length_days=90, vendor=vendor_a, quote=quote, values=CSAT_MISS | FCR_MISS
    )
    pilot.managers.set([manager])
    pilots_evaluate_due(as_of=day_after(pilot, 60))
    return Pilot.objects.get(pk=pilot.pk)


def detail_url(pilot, day=60) -> str:
    return reverse("pilots:scorecard_detail", args=[pilot.pk, day])


# --- Access --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("procurement_client", 200),
        ("manager_client", 200),
        ("admin_role_client", 200),
        ("vendor_a_client", 200),  # the pilot's own vendor
        ("vendor_b_client", 404),  # another vendor: existence does not leak
    ],
)
@pytest.mark.parametrize("page", ["detail", "list", "pdf"])
def test_who_may_see_the_scorecard(request, quoted_pilot, client_name, status, page):
    client = request.getfixturevalue(client_name)
    url = {
        "detail": detail_url(quoted_pilot),
        "list": reverse("pilots:scorecard_list", args=[quoted_pilot.pk]),
        "pdf": reverse("pilots:scorecard_pdf", args=[quoted_pilot.pk, 60]),
    }[page]
    assert client.get(url).status_code == status


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, quoted_pilot):
    response = client.get(detail_url(quoted_pilot))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_a_checkpoint_without_a_scorecard_is_404(manager_client, quoted_pilot):
    assert manager_client.get(detail_url(quoted_pilot, 90)).status_code == 404


# --- What the decision scorecard shows --------------------------------------------------------


@pytest.mark.django_db
def test_the_decision_scorecard_shows_cost_quality_compliance_scalability(
    manager_client, quoted_pilot
):
    response = manager_client.get(detail_url(quoted_pilot))
    html = response.content.decode()
    assert 'data-verdict="stop"' in html
    assert "Stop and analyse per KPI" in html
    # Quality: each KPI with its met flag and the Wilson interval of CSAT and FCR.
    assert 'data-kpi="csat_pct" data-met="false"' in html
    assert 'data-kpi="cost_per_ticket" data-met="true"' in html
    assert "76.61–83.01%" in html  # CSAT 80% on 600 responses (Wilson 95%)
    # The stop names each missed KPI with its gap and remedy.
    assert "10.00 percentage points" in html
    assert html.count("Training and knowledge base") == 2
    # Cost: actual € 3.00 against the quote's € 3.33 and in-house € 6.75 (the seed's example).
    assert '<td class="text-end" id="actual-cpt">€3.00</td>' in html
    assert '<td class="text-end" id="quote-cpt">€3.33</td>' in html
    assert '<td class="text-end" id="in-house-cpt">€6.75</td>' in html
    assert "the pilot saves €3.75 a ticket against in-house" in html
    # Compliance: the quote's GDPR and SLA gaps; scalability: the scale-up time.
    assert "Encryption at rest" in html
    assert "Disaster recovery" in html
    assert "The vendor can scale up within 14 days." in html
    # Trend charts, server-rendered SVG.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5
    # A manager may record the decision here.
    assert 'id="decision"' in html
    assert 'name="knowledge_transfer_rating"' in html


@pytest.mark.django_db
def test_met_but_not_yet_reliable_is_shown(manager_client, vendor_a):
    # 90% CSAT on 20 responses: met, but the 95% interval reaches below 85%.
    pilot = PilotFactory(vendor=vendor_a, length_days=30)
    add_days(pilot, [1, 2], csat_responses=10, csat_positive=9)
    add_days(pilot, range(3, 31), csat_responses=0, csat_positive=0)
    pilots_evaluate_due(as_of=day_after(pilot, 30))
    html = manager_client.get(detail_url(pilot, 30)).content.decode()
    assert "met, not yet reliable" in html


@pytest.mark.django_db
def test_a_vendor_sees_its_scorecard_but_not_the_in_house_cost(vendor_a_client, quoted_pilot):
    html = vendor_a_client.get(detail_url(quoted_pilot)).content.decode()
    assert 'id="quote-cpt"' in html
    assert 'id="in-house-cpt"' not in html
    assert 'id="decision"' not in html  # no decision form for a vendor


@pytest.mark.django_db
def test_a_pilot_without_a_quote_shows_what_it_can(manager_client, pilot_with_days):
    pilot = pilot_with_days(60, length_days=60)
    pilots_evaluate_due(as_of=day_after(pilot, 60))
    html = manager_client.get(detail_url(pilot)).content.decode()
    assert '<td class="text-end" id="actual-cpt">€3.00</td>' in html
    assert "not linked to a quote" in html
    assert 'id="scale-up"' in html


@pytest.mark.django_db
def test_the_page_renders_in_dutch(manager, manager_client, quoted_pilot):
    manager.language = "nl"
    manager.save()
    html = manager_client.get(detail_url(quoted_pilot)).content.decode()
    assert "Stoppen en per KPI analyseren" in html
    assert "€\xa03,33" in html
    assert "Training en kennisbank" in html


@pytest.mark.django_db
def test_the_page_runs_a_constant_number_of_queries(
    manager_client, quoted_pilot, django_assert_max_num_queries
):
    add_days(quoted_pilot, range(61, 91))
    pilots_evaluate_due(as_of=day_after(quoted_pilot, 90))
    with django_assert_max_num_queries(16):
        assert manager_client.get(detail_url(quoted_pilot, 90)).status_code == 200


@pytest.mark.django_db
def test_the_pdf_is_a_print_ready_document(manager_client, quoted_pilot):
    response = manager_client.get(reverse("pilots:scorecard_pdf", args=[quoted_pilot.pk, 60]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="scorecard-alpha-contact-day-60.pdf"' in response["Content-Disposition"]
    assert len(response.content) > 5_000


@pytest.mark.django_db
def test_the_pdf_is_rendered_once_and_served_from_storage(
    manager_client, vendor_a_client, quoted_pilot, monkeypatch
):
    url = reverse("pilots:scorecard_pdf", args=[quoted_pilot.pk, 60])
    first = manager_client.get(url).content
    renders = []
    real = weasyprint.HTML.write_pdf
    monkeypatch.setattr(
        weasyprint.HTML, "write_pdf", lambda self, *a, **k: renders.append(1) or real(self, *a, **k)
    )
    assert manager_client.get(url).content == first  # stored: not printed again
    assert renders == []
    # The vendor reads a different page (no in-house figures): its own PDF.
    vendor_pdf = vendor_a_client.get(url).content
    assert renders == [1] and vendor_pdf != first
    # What the page says changed (a decision was recorded): printed anew.
    quoted_pilot.decision_note = "Recorded later"
    quoted_pilot.decision = "stop"
    quoted_pilot.save()
    assert manager_client.get(url).content.startswith(b"%PDF-")
    assert renders == [1, 1]
    assert ScorecardPdf.objects.filter(scorecard__pilot=quoted_pilot).count() == 3


@pytest.mark.django_db
def test_a_stored_pdf_is_found_without_drawing_the_page(manager_client, quoted_pilot, monkeypatch):
    url = reverse("pilots:scorecard_pdf", args=[quoted_pilot.pk, 60])
    first = manager_client.get(url).content
    drawn = []
    real = evaluation_views.scorecard_context
    monkeypatch.setattr(
        evaluation_views, "scorecard_context", lambda *a, **k: drawn.append(1) or real(*a, **k)
    )
    assert manager_client.get(url).content == first
    assert drawn == []


def _change_entry(pilot):
    entry = KpiEntry.objects.filter(pilot=pilot).order_by("day").first()
    entry.tickets += 1
    entry.save()


def _change_pilot_by_update(pilot):
    Pilot.objects.filter(pk=pilot.pk).update(decision_note="Set by a job")


def _change_quote(pilot):
    quote = pilot.quote
    quote.onboarding_fee = (quote.onboarding_fee or Decimal(0)) + 100
    quote.save()


def _change_vendor_name(pilot):
    vendor = pilot.vendor
    vendor.name = "Alpha Contact Renamed"
    vendor.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [_change_entry, _change_pilot_by_update, _change_quote, _change_vendor_name]
)
def test_any_change_to_what_the_pdf_shows_prints_it_anew(
    manager_client, quoted_pilot, monkeypatch, change
):
    url = reverse("pilots:scorecard_pdf", args=[quoted_pilot.pk, 60])
    manager_client.get(url)
    renders = []
    real = weasyprint.HTML.write_pdf
    monkeypatch.setattr(
        weasyprint.HTML, "write_pdf", lambda self, *a, **k: renders.append(1) or real(self, *a, **k)
    )
    change(quoted_pilot)
    assert manager_client.get(url).content.startswith(b"%PDF-")
    assert renders == [1]
    assert ScorecardPdf.objects.filter(scorecard__pilot=quoted_pilot).count() == 2


@pytest.mark.django_db
def test_a_reader_in_another_language_gets_the_pdf_in_theirs(manager, quoted_pilot, client):
    url = reverse("pilots:scorecard_pdf", args=[quoted_pilot.pk, 60])
    client.force_login(manager)
    english = client.get(url).content
    manager.language = "nl"
    manager.save()
    dutch = client.get(url).content
    assert dutch.startswith(b"%PDF-") and dutch != english
    assert ScorecardPdf.objects.filter(scorecard__pilot=quoted_pilot).count() == 2


@pytest.mark.django_db
def test_the_charts_are_drawn_once_and_follow_a_changed_entry_at_once(
    manager_client, manager, quoted_pilot, monkeypatch
):
    def svgs(response) -> list[str]:
        return re.findall(r"<svg.*?</svg>", response.content.decode(), re.S)

    drawn = []
    real = evaluation_views._charts
    monkeypatch.setattr(evaluation_views, "_charts", lambda *a: drawn.append(1) or real(*a))
    first = svgs(manager_client.get(detail_url(quoted_pilot)))
    assert len(first) == 5 and drawn == [1]
    assert svgs(manager_client.get(detail_url(quoted_pilot))) == first
    assert drawn == [1]  # the same entries: not drawn again
    entry = KpiEntry.objects.filter(pilot=quoted_pilot).order_by("day").first()
    entry.csat_positive = 0  # day 1: no positive answer at all
    entry.save()
    changed = svgs(manager_client.get(detail_url(quoted_pilot)))
    assert drawn == [1, 1] and changed != first
    manager.language = "nl"
    manager.save()
    dutch = svgs(manager_client.get(detail_url(quoted_pilot)))
    assert drawn == [1, 1, 1] and "per dag" in dutch[0]


# --- The decision and the exit evaluation --------------------------------------------------------


DECISION = {
    "decision": "stop",
    "knowledge_transfer_rating": "3",
    "responsiveness_rating": "4",
    "note": "CSAT and FCR short: two weeks of product training, then a new pilot.",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_name", "status"),
    [("procurement_client", 403), ("vendor_a_client", 403), ("vendor_b_client", 403)],
)
def test_only_managers_record_the_decision(request, quoted_pilot, client_name, status):
    client = request.getfixturevalue(client_name)
    response = client.post(reverse("pilots:pilot_decide", args=[quoted_pilot.pk]), DECISION)
    assert response.status_code == status
    quoted_pilot.refresh_from_db()
    assert quoted_pilot.decision == ""


@pytest.mark.django_db
def test_a_manager_records_the_decision_and_the_pilot_is_decided(
    manager, manager_client, quoted_pilot
):
    response = manager_client.post(reverse("pilots:pilot_decide", args=[quoted_pilot.pk]), DECISION)
    assert response.status_code == 302
    assert response["Location"] == detail_url(quoted_pilot)
    quoted_pilot.refresh_from_db()
    assert quoted_pilot.status == PilotStatus.DECIDED
    assert quoted_pilot.decision == "stop"
    assert quoted_pilot.decided_by == manager
    assert (quoted_pilot.knowledge_transfer_rating, quoted_pilot.responsiveness_rating) == (3, 4)
    assert quoted_pilot.history.count() >= 2  # who, when and what is kept
    # The checkpoint alert that asked for the decision is closed.
    assert not Alert.objects.filter(
        pilot=quoted_pilot, kind=AlertKind.CHECKPOINT_REACHED, key="60", closed_at=None
    ).exists()
    html = manager_client.get(detail_url(quoted_pilot)).content.decode()
    assert "product training" in html
    assert 'id="rating-kt">3 / 5' in html
    # Once is enough.
    again = manager_client.post(reverse("pilots:pilot_decide", args=[quoted_pilot.pk]), DECISION)
    assert again.status_code == 400
    assert "already been decided" in again.content.decode()


@pytest.mark.django_db
def test_a_decision_needs_a_note_and_ratings_from_1_to_5(manager_client, quoted_pilot):
    bad = {**DECISION, "note": "", "responsiveness_rating": "7"}
    response = manager_client.post(reverse("pilots:pilot_decide", args=[quoted_pilot.pk]), bad)
    assert response.status_code == 400
    form = response.context["decision_form"]
    assert set(form.errors) == {"note", "responsiveness_rating"}
    quoted_pilot.refresh_from_db()
    assert quoted_pilot.status == PilotStatus.RUNNING


@pytest.mark.django_db
def test_no_decision_before_the_decision_scorecard(manager_client, pilot_with_days):
    pilot = pilot_with_days(30, length_days=90)
    pilots_evaluate_due(as_of=day_after(pilot, 30))
    response = manager_client.post(reverse("pilots:pilot_decide", args=[pilot.pk]), DECISION)
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.RUNNING and pilot.decision == ""


@pytest.mark.django_db
def test_a_vendor_cannot_decide_on_another_vendors_pilot_by_id(vendor_b_client, quoted_pilot):
    # Wrong role first: 403, and nothing changes.
    response = vendor_b_client.post(
        reverse("pilots:pilot_exit_evaluation", args=[quoted_pilot.pk]), {}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_exit_evaluation_closes_the_pilot(manager, manager_client, quoted_pilot):
    manager_client.post(
        reverse("pilots:pilot_decide", args=[quoted_pilot.pk]), {**DECISION, "decision": "scale_up"}
    )
    exit_url = reverse("pilots:pilot_exit_evaluation", args=[quoted_pilot.pk])
    data = {"evaluation": "scale_up", "note": "Targets held through day 90; phase 2 in May."}
    # A scale-up runs to day 90: not before the day-90 scorecard.
    early = manager_client.post(exit_url, data)
    assert early.status_code == 400
    assert "day 90" in early.content.decode()
    add_days(quoted_pilot, range(61, 91))
    pilots_evaluate_due(as_of=day_after(quoted_pilot, 90))
    response = manager_client.post(exit_url, data)
    assert response.status_code == 302
    quoted_pilot.refresh_from_db()
    assert quoted_pilot.status == PilotStatus.CLOSED
    assert quoted_pilot.exit_evaluation == "scale_up"
    assert quoted_pilot.exit_evaluated_by == manager
    assert not Alert.objects.filter(pilot=quoted_pilot, closed_at=None).exists()


@pytest.mark.django_db
def test_procurement_cannot_record_the_exit_evaluation(procurement_client, quoted_pilot):
    url = reverse("pilots:pilot_exit_evaluation", args=[quoted_pilot.pk])
    assert procurement_client.post(url, {"evaluation": "stop", "note": "x"}).status_code == 403


# --- The API ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_lists_every_scorecard_exactly_as_api_md(api_as, manager, quoted_pilot):
    response = api_as(manager).get(f"/api/v1/pilots/{quoted_pilot.pk}/scorecards")
    assert response.status_code == 200
    body = response.json()
    assert [c["checkpoint_day"] for c in body] == [30, 60]
    day60 = body[1]
    # docs/api.md's fields, plus two additions a client may ignore: the id and, from docs/domain.md
    # §5, when a final day of the window was corrected (null: never).
    assert set(day60) == {
        "id",
        "checkpoint_day",
        "window",
        "kpis",
        "met_count",
        "data_coverage_pct",
        "verdict",
        "created_at",
        "emailed_at",
        "data_changed_at",
        "gaps",
    }
    assert day60["data_changed_at"] is None
    assert day60["window"] == {"from": "2026-01-01", "to": "2026-03-01"}
    # 480 of 600 responses positive: Wilson 95% (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) /
    # (1 + z²/n) with p = 0.8, n = 600 → 76.61–83.01%; missed, so no reliability to judge.
    assert day60["kpis"]["csat_pct"] == {
        "value": "80.00",
        "target": "85.00",
        "met": False,
        "interval": {"low": "76.61", "high": "83.01"},
        "reliable": None,
        "must_meet": False,
    }
    assert day60["kpis"]["cost_per_ticket"] == {
        "value": "3.00",
        "target": "3.33",
        "met": True,
        "interval": None,
        "reliable": None,
        "must_meet": False,
    }
    # A stop lists its gaps: CSAT 85 − 80 = 5 points, FCR 70 − 60 (720 of 1,200) = 10.
    assert day60["gaps"] == [
        {
            "kpi": "csat_pct",
            "gap": "5.00",
            "remedy": "training_and_knowledge_base",
            "must_meet": False,
        },
        {
            "kpi": "fcr_pct",
            "gap": "10.00",
            "remedy": "training_and_knowledge_base",
            "must_meet": False,
        },
    ]
    assert body[0]["gaps"] == []
    assert set(day60["kpis"]) == {
        "csat_pct",
        "frt_minutes",
        "aht_minutes",
        "fcr_pct",
        "cost_per_ticket",
    }
    assert day60["met_count"] == 3
    assert day60["data_coverage_pct"] == "100.00"
    assert day60["verdict"] == "stop"
    assert body[0]["verdict"] is None
    assert day60["emailed_at"] is None


@pytest.mark.django_db
def test_api_scorecards_access(
    api_as, quoted_pilot, procurement_user, vendor_a_user, vendor_b_user
):
    path = f"/api/v1/pilots/{quoted_pilot.pk}/scorecards"
    assert api_as(procurement_user).get(path).status_code == 200
    assert api_as(vendor_a_user).get(path).status_code == 200
    assert api_as(vendor_b_user).get(path).status_code == 404
    assert api_as(None).get(path).status_code == 401
    assert api_as(procurement_user).get("/api/v1/pilots/999999/scorecards").status_code == 404


@pytest.mark.django_db
def test_api_answers_an_empty_list_before_any_checkpoint(api_as, manager, vendor_a):
    pilot = PilotFactory(vendor=vendor_a)
    assert api_as(manager).get(f"/api/v1/pilots/{pilot.pk}/scorecards").json() == []


@pytest.mark.django_db
def test_the_scorecards_panel_shows_made_and_due_checkpoints(manager_client, quoted_pilot):
    html = manager_client.get(
        reverse("pilots:scorecard_list", args=[quoted_pilot.pk])
    ).content.decode()
    assert 'data-checkpoint="30"' in html and 'data-checkpoint="90"' in html
    assert detail_url(quoted_pilot) in html
    due = (quoted_pilot.start_date + timedelta(days=90)).strftime("%B %-d, %Y")
    assert due.split(" ")[0][:3] in html  # day 90 is due on its date
    assert Scorecard.objects.filter(pilot=quoted_pilot).count() == 2
    assert (
        Decimal("100.00")
        == Scorecard.objects.get(pilot=quoted_pilot, checkpoint_day=60).data_coverage_pct
    )


@pytest.mark.django_db
def test_the_panel_tag_embeds_in_any_pilot_page(rf, manager, quoted_pilot):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = manager
    html = Template("{% load pilot_evaluation %}{% scorecards_panel pilot %}").render(
        Context({"pilot": quoted_pilot, "request": request})
    )
    assert "Checkpoints and scorecards" in html
    assert detail_url(quoted_pilot) in html
    assert "Stop and analyse per KPI" in html
