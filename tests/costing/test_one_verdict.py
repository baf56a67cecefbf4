"""Issue 24 item 2: one verdict everywhere. A comparison with an excluded quote: the API,
the CSV, the XLSX (its Decision and Best value sheets), the award memo PDF and the
proposal e-mail all say the same thing about each quote (docs/domain.md §4).

The scope is the cost article's: 500 e-mails at 10 minutes, in-house 1 FTE (€40,500 a
year). Lisbon (nearshore, €18/h, every checklist point): 18 × 83.33 h × 12 + €2,000 =
€20,000, savings €20,500. Manila (offshore, €1.50 a ticket): 1.50 × 500 × 12 + €1,000 =
€10,000, cheaper, but it leaves the DPA open — a must-have — so it is excluded whatever its
price, and Lisbon is the best value."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from costing.awards import assess_quote
from costing.xlsx import DECISION_ROWS
from procurement import services
from procurement.models import Rfq
from procurement.views.awards import award_memo_document
from tests.costing.factories import CompleteQuoteFactory, QuoteFactory, RfqFactory
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

# The words each verdict code is shown with in English (docs/domain.md §4).
LABELS = {"outsource": "Outsource", "keep_in_house": "Keep it in-house", "exclude": "Exclude"}


@pytest.fixture
def rfq(procurement_user):
    rfq = RfqFactory(owner=procurement_user, own_management_per_month=Decimal(0))
    services.rfq_criteria_update(rfq=rfq, by=procurement_user, must_haves=["dpa"])
    return rfq


@pytest.fixture
def quotes(rfq):
    lisbon = CompleteQuoteFactory(rfq=rfq, vendor=VendorFactory(name="Lisbon", region="nearshore"))
    manila = QuoteFactory(
        rfq=rfq,
        vendor=VendorFactory(name="Manila", region="offshore"),
        pricing_model="per_ticket",
        hourly_rate=None,
        per_ticket_rate=Decimal("1.50"),
        onboarding_fee=Decimal(1000),
    )
    return lisbon, manila


def api_verdicts(api, rfq):
    body = api.get(f"/api/v1/rfqs/{rfq.pk}/comparison").json()
    return {
        q["quote_id"]: {
            "code": q["recommendation"]["code"],
            "excluded": q["excluded"],
            "best_value": q["best_value"],
            "score": q["score"],
        }
        for q in body["quotes"]
    }


def test_every_export_says_what_the_api_says(
    api_as, procurement_user, procurement_client, rfq, quotes
):
    lisbon, manila = quotes
    verdicts = api_verdicts(api_as(procurement_user), rfq)
    # The hand calculation: Manila is excluded (the cheaper one), Lisbon outsourced and best.
    assert verdicts[manila.pk] | {"score": None} == {
        "code": "exclude",
        "excluded": True,
        "best_value": False,
        "score": None,
    }
    assert verdicts[lisbon.pk]["code"] == "outsource"
    assert verdicts[lisbon.pk]["best_value"] is True
    by_name = {"Lisbon": verdicts[lisbon.pk], "Manila": verdicts[manila.pk]}

    # CSV: the recommendation, best value and score of each quote.
    text = procurement_client.get(reverse("costing:comparison_csv", args=[rfq.pk])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    header = rows[0]
    csv_rows = {row[1]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    for name, verdict in by_name.items():
        assert csv_rows[name]["Recommendation"] == LABELS[verdict["code"]]
        assert csv_rows[name]["Best value"] == ("yes" if verdict["best_value"] else "no")
        assert csv_rows[name]["Score"] == verdict["score"]
    assert csv_rows["Manila"]["Excluded: must-haves left open"] == (
        "Data processing agreement (DPA)"
    )

    # XLSX: the Decision sheet's recommendation (the value stored with the formula, as a
    # previewer shows it) and its must-have and best-value rows; the Best value sheet.
    content = procurement_client.get(reverse("costing:comparison_xlsx", args=[rfq.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    decision = book["Decision"]
    columns = {decision.cell(row=DECISION_ROWS["header"], column=c).value: c for c in range(3, 5)}
    assert set(columns) == {"Lisbon", "Manila"}
    for name, verdict in by_name.items():
        column = columns[name]
        cell = decision.cell(row=DECISION_ROWS["recommendation"], column=column).value
        assert cell == LABELS[verdict["code"]]
        best = decision.cell(row=DECISION_ROWS["best_value"], column=column).value
        assert best == ("Yes" if verdict["best_value"] else "No")
        score = decision.cell(row=DECISION_ROWS["score"], column=column).value
        assert Decimal(str(score)).quantize(Decimal("0.01")) == Decimal(verdict["score"])
    must_haves = decision.cell(row=DECISION_ROWS["must_haves"], column=columns["Manila"]).value
    assert "Data processing agreement (DPA)" in must_haves
    best_value = [[c.value for c in row] for row in book["Best value"].iter_rows()]
    best_col = best_value[0].index("Best value")
    assert {row[0]: row[best_col] for row in best_value[1:]} == {"Lisbon": "yes", "Manila": "no"}


def _pdf_text(document) -> str:
    """The text WeasyPrint laid out on the memo's pages."""
    texts: list[str] = []

    def walk(box) -> None:
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def test_the_award_memo_and_e_mail_carry_the_same_verdict(
    api_as, procurement_user, manager, rfq, quotes, django_capture_on_commit_callbacks
):
    lisbon, manila = quotes
    verdicts = api_verdicts(api_as(procurement_user), rfq)
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    rfq.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.award_propose(
            rfq=rfq,
            quote=manila,
            by=procurement_user,
            reason="Cheapest",
            assessment=assess_quote(rfq, manila),
            override_reason="The DPA is being signed.",
        )

    assert proposal.is_excluded is verdicts[manila.pk]["excluded"] is True
    assert proposal.is_best_value is verdicts[manila.pk]["best_value"] is False
    assert proposal.snapshot["recommendation"] == verdicts[manila.pk]["code"] == "exclude"
    assert proposal.snapshot["score"] == verdicts[manila.pk]["score"]

    request = RequestFactory().get("/")
    request.user = manager
    text = _pdf_text(award_memo_document(proposal, request))
    assert "Exclude" in text
    assert "A must-have is left open." in text
    assert "Data processing agreement (DPA)" in text
    assert "Lisbon" in text  # "The best value was Lisbon."

    bodies = [m.body for m in mail.outbox if manager.email in m.to]
    assert bodies and "This quote leaves a must-have open." in bodies[0]
