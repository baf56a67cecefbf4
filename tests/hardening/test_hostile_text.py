"""Issue 21 item 2: every user text is escaped on every page, `help_text` included.

A test case's description was rendered unescaped as a form's help text on the vendor's quote
pages: `<meta http-equiv="refresh" …>` moved the vendor's browser to a fake sign-in page.
Here every free-text field of every stored object (vendor name, RFQ title and description,
test cases, must-haves, fee labels, risk items, review notes, attendees, actions, users' full
names, quote notes, …) holds hostile markup, and every page of the URL conf is rendered for
every role that may see it: the source must hold none of that markup unescaped.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from .conftest import ROLES, client_for
from .test_access_table import ACCESS, PAGES, _page_url

# Closes an attribute, then a tag, then injects a redirect, a script and an image.
PAYLOAD = (
    'X"\'><meta http-equiv="refresh" content="0;url=https://evil.example/">'
    '<script>alert(1)</script><img src=x onerror=alert(2)>" autofocus onfocus="alert(3)'
)
SHORT = "X\"'><img src=x onerror=alert(4)>"
# What must never reach a page unescaped.
FORBIDDEN = (
    '<meta http-equiv="refresh" content="0;url=https://evil',
    "<script>alert(",
    "<img src=x",
    '" autofocus onfocus="alert',
    'href="javascript:',
)
# Not free text: secrets, hashes, keys the code parses, addresses validated as such.
SKIP_FIELDS = {"password", "token_hash", "hint", "key", "html_sha256", "history_change_reason"}
APPS = ("accounts", "procurement", "pilots", "contracts", "costing", "common", "audit", "webhooks")
# Binary exports: not HTML (their own escaping is tested with the exports).
NOT_HTML = {
    "procurement:award_memo_pdf",
    "pilots:scorecard_pdf",
    "costing:comparison_xlsx",
    "costing:comparison_csv",
    "pilots:kpi_csv_template",
    "pilots:kpi_csv_export",
    "contracts:kpi_csv_template",
    "contracts:kpi_csv_export",
    "procurement:quote_document",
}


def _hostile(field: models.Field) -> str:
    limit = field.max_length or 10_000
    return PAYLOAD if len(PAYLOAD) <= limit else SHORT[:limit]


def _fill_every_free_text_field() -> None:
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        values = {
            field.name: _hostile(field)
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.EmailField | models.URLField)
            and not field.choices
            and field.name not in SKIP_FIELDS
            and not field.unique
        }
        if values:
            model.objects.update(**values)


@pytest.fixture
def hostile(objects, cast):
    from procurement.models import AwardProposal, Quote, Rfq, TestCase, Vendor

    _fill_every_free_text_field()
    Vendor.objects.update(website="javascript:alert(5)")
    Rfq.objects.update(reference=SHORT, must_haves=["dpa", PAYLOAD])
    Quote.objects.update(
        other_fees=[{"label": PAYLOAD, "amount": "250.00", "per": "month"}],
        data_location=PAYLOAD[:100],
    )
    AwardProposal.objects.update(
        snapshot={
            "vendor": PAYLOAD,
            "best_value_vendor": PAYLOAD,
            "risks": [{"name": PAYLOAD, "probability_pct": "10.00", "impact": "5000.00"}],
            "gaps": [PAYLOAD],
            "missing_must_haves": [PAYLOAD],
        }
    )
    # The case of the incident: the description shown as the answer field's help text.
    assert TestCase.objects.get(pk=objects["test_case"].pk).description == PAYLOAD
    for user in cast.values():
        if user is not None:
            user.refresh_from_db()
    return objects


def _allowed(expected) -> bool:
    return 200 in (expected if isinstance(expected, set) else {expected})


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(PAGES) - NOT_HTML))
def test_every_page_escapes_every_user_text(name, cast, hostile):
    route, entry = PAGES[name]
    url = _page_url(name, entry, hostile, route)
    checked = 0
    for role in ROLES:
        if not _allowed(ACCESS[name][role]):
            continue
        response = client_for(cast[role]).get(url)
        if response.status_code != 200:
            continue
        checked += 1
        if "html" not in response.get("Content-Type", ""):
            continue  # a CSV or metrics text: not a page a browser renders
        source = response.content.decode()
        for markup in FORBIDDEN:
            assert markup not in source, f"{role} on {url}: unescaped {markup!r}"
    if any(expected == 200 for expected in ACCESS[name].values()):
        assert checked, f"{name}: no role saw the page"


@pytest.mark.django_db
def test_the_vendor_sees_the_description_as_text_on_its_quote_pages(cast, hostile):
    from django.urls import reverse

    client = client_for(cast["vendor"])
    for url in (
        reverse("procurement:quote_edit", args=[hostile["quote"].pk]),
        reverse("procurement:quote_test_cases", args=[hostile["quote"].pk]),
    ):
        source = client.get(url).content.decode()
        assert "&lt;meta http-equiv=&quot;refresh&quot;" in source, url
        assert "<meta http-equiv" not in source.split("</head>", 1)[1], url
