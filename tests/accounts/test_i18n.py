from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
def test_sign_in_page_renders_in_dutch(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Aanmelden bij VendorPilot" in html
    assert "Wachtwoord vergeten?" in html


@pytest.mark.django_db
def test_language_switcher_changes_the_language_and_remembers_it_for_the_user(
    manager, manager_client
):
    manager_client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    html = manager_client.get(reverse("accounts:token_list")).content.decode()
    assert '<html lang="nl">' in html
    manager.refresh_from_db()
    assert manager.language == "nl"


@pytest.mark.django_db
def test_a_users_saved_language_applies_on_a_new_device(manager, client):
    manager.language = "nl"
    manager.save()
    client.force_login(manager)
    assert '<html lang="nl">' in client.get(reverse("accounts:token_list")).content.decode()


def render(source: str, **context) -> str:
    return Template("{% load money %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "€\u00a01.234,56"), ("en", "€1,234.56")],
)
def test_money_is_formatted_for_the_language(language, expected):
    with translation.override(language):
        assert render("{{ v|eur }}", v=Decimal("1234.555")) == expected.replace("56", "56")


def test_money_rounds_half_up_only_for_display():
    with translation.override("nl"):
        assert render("{{ v|eur }}", v=Decimal("0.125")) == "€\u00a00,13"
        assert render("{{ v|pct }}", v=Decimal("50.6172")) == "50,62%"
    with translation.override("en"):
        assert render("{{ v|dec:1 }}", v=Decimal("83.3333")) == "83.3"


def test_dutch_dates():
    import datetime

    with translation.override("nl"):
        assert render('{{ d|date:"j F Y" }}', d=datetime.date(2026, 3, 1)) == "1 maart 2026"
        # One format per language: the short name renders like the long one.
        assert (
            render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=datetime.date(2026, 3, 1)) == "1 mrt 2026"
        )
