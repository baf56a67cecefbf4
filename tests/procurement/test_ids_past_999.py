"""Ids and page numbers are written plainly into links and form fields. With
USE_THOUSAND_SEPARATOR on, `{{ quote.pk }}` renders "1,234" in English ("1.234" in Dutch):
a confirmation step posted it back as an invalid choice once a database held 1,000
quotes, and a vendor picked from the search came back as an unknown id."""

import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from procurement.models import AwardProposal, Rfq
from tests.factories import VendorFactory
from tests.procurement.factories import QuoteFactory

ROOT = Path(settings.BASE_DIR)
# What a template writes into a URL, a form value or a data attribute: ids and page numbers.
ID_EXPRESSION = re.compile(
    r"(?:\{\{ *[\w.]*(?:\.pk|\.id|_id|page_number)|page=\{\{ *[\w.]+) *(\|[^}]*)?\}\}"
)


def _templates() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("templates/**/*")
        if path.suffix in {".html", ".txt"} and ".venv" not in path.parts
    ]


def test_no_template_writes_an_id_or_page_number_with_a_thousands_separator():
    offenders = []
    for path in _templates():
        for match in ID_EXPRESSION.finditer(path.read_text()):
            filters = match.group(1) or ""
            if "unlocalize" not in filters:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_award_confirmation_posts_back_a_quote_id_past_999(
    language, rfq, vendor_a, vendor_b, procurement_client, procurement_user
):
    procurement_user.language = language
    procurement_user.save()
    QuoteFactory(id=1234, rfq=rfq, vendor=vendor_a, complete=True, sla_chat_response_minutes=Decimal("1"))  # fmt: skip
    QuoteFactory(id=4321, rfq=rfq, vendor=vendor_b, hourly_rate=Decimal("20"))
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    url = reverse("costing:award_propose", args=[rfq.pk])

    step = procurement_client.post(
        url, {"quote": 1234, "reason": "Best value", "override_reason": "Agreed"}
    )
    assert step.status_code == 200
    # What the browser sends on "Confirm": the hidden fields of the page, as written.
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)"', step.content.decode()
        )
    }
    assert fields["quote"] == "1234"
    done = procurement_client.post(url, fields)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert AwardProposal.objects.get().quote_id == 1234


@pytest.mark.django_db
def test_the_vendor_search_answers_plain_ids(manager_client):
    VendorFactory(id=1500, name="Porto Contact")
    options = manager_client.get(reverse("procurement:vendor_options"), {"q": "porto"})
    assert 'value="1500"' in options.content.decode()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_page_links_past_page_999(language):
    page = Paginator(range(2_000), 1).page(1_000)
    with translation.override(language):
        text = render_to_string("includes/pagination.html", {"page": page, "query": "status=open"})
    assert "page=999" in text and "page=1001" in text
    assert not re.search(r"page=1[.,]001", text)
