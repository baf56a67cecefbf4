"""E-mail subjects and text bodies are plain text (never HTML-escaped), and the scorecard
PDF's footer (a CSS string) shows a name with quotes as it is written."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string

from common.templatetags.css import css_string_escape
from pilots.evaluation.emails import scorecard_emails_send_now
from pilots.evaluation.sweep import pilots_evaluate_due
from pilots.evaluation.views import scorecard_context
from pilots.models import Scorecard
from procurement.emails import send_invitation_emails
from tests.factories import VendorFactory, VendorUserFactory
from tests.pilots.conftest import add_days, day_after, make_rfq_and_quote
from tests.pilots.factories import PilotFactory
from tests.procurement.factories import InvitationFactory, RfqFactory

NAME = 'Q&A <Support> O\'Neill "Direct"'


@pytest.mark.django_db
def test_an_invitation_subject_and_text_keep_ampersands_and_apostrophes():
    vendor = VendorFactory(name=NAME)
    VendorUserFactory(vendor=vendor, email="v@example.com", language="en")
    invitation = InvitationFactory(rfq=RfqFactory(title="Q&A desk for O'Neill"), vendor=vendor)
    assert send_invitation_emails(invitation.pk) == 1
    (message,) = mail.outbox
    assert "Q&A desk for O'Neill" in message.subject
    assert "&amp;" not in message.subject and "&#x27;" not in message.subject
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    html, _mimetype = message.alternatives[0]
    assert "Q&amp;A desk for O&#x27;Neill" in html  # the HTML part still escapes


@pytest.mark.django_db
def test_a_scorecard_subject_names_the_vendor_as_written(manager, procurement_user):
    vendor = VendorFactory(name=NAME)
    _rfq, quote = make_rfq_and_quote(owner=procurement_user, vendor=vendor)
    pilot = PilotFactory(length_days=60, vendor=vendor, quote=quote)
    add_days(pilot, range(1, 61))
    pilot.managers.set([manager])
    pilots_evaluate_due(as_of=day_after(pilot, 60))
    card = Scorecard.objects.get(pilot=pilot, checkpoint_day=60)
    assert scorecard_emails_send_now(scorecard_ids=[card.pk])
    assert mail.outbox[0].subject.startswith(f"{NAME} pilot, day 60 scorecard")


def test_css_string_escapes_what_would_end_the_string_or_the_style_element():
    assert css_string_escape("O'Neill") == "O\\27 Neill"
    assert css_string_escape('say "hi"\\') == "say \\22 hi\\22 \\5C "
    assert css_string_escape("</style>") == "\\3C /style\\3E "
    assert css_string_escape("a\nb") == "a\\A b"
    assert css_string_escape("Zoë · 2") == "Zoë · 2"


@pytest.mark.django_db
def test_the_pdf_footer_shows_a_name_with_quotes_correctly(manager, rf):
    vendor = VendorFactory(name=NAME)
    pilot = PilotFactory(length_days=30, vendor=vendor)
    add_days(pilot, range(1, 31))
    pilots_evaluate_due(as_of=day_after(pilot, 30))
    card = Scorecard.objects.get(pilot=pilot, checkpoint_day=30)
    request = rf.get("/")
    request.user = manager
    html = render_to_string(
        "pilots/scorecard_pdf.html", scorecard_context(card, user=manager, for_print=True), request
    )
    (footer,) = re.findall(r'@bottom-left \{ content: "(.*?)"; font-size', html)
    # What CSS reads: undo CSS escapes `\<hex> `.
    shown = re.sub(r"\\([0-9A-F]+) ", lambda m: chr(int(m.group(1), 16)), footer)
    assert shown == f"VendorPilot · {NAME} · day 30"
    assert "&#x27;" not in footer and "\\u0027" not in footer
