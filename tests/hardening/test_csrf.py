"""CSRF on every form: each POST form on every page a role can open carries a CSRF token,
its target refuses the POST without one (403) and accepts it with one (not 403).

The pages come from the access table (every URL × role whose rule is 200), so a new page's
forms are checked as soon as its rule is added. Session writes to the API need the token too.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from .conftest import client_for
from .test_access_table import ACCESS, OPERATIONS, PAGES, _api_path, _page_url

TOKEN_FIELD = "csrfmiddlewaretoken"
# Targets without CSRF by design: the one-click unsubscribe (RFC 8058) is POSTed by a mail
# client without a session or token; its signed link is the credential (a forged or altered
# one changes nothing: tests/accounts/test_email_preferences.py).
EXEMPT = ("/accounts/unsubscribe/",)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
            }
        elif tag in ("input", "select", "textarea") and self._current and attrs.get("name"):
            self._current["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post"]


def _pages_with_forms(cast, objects):
    """(role, page url, form) for every POST form, once per role and form target."""
    seen = set()
    for name, rule in sorted(ACCESS.items()):
        if name not in PAGES:
            continue
        url = _page_url(name, PAGES[name][1], objects, PAGES[name][0])
        for role, expected in rule.items():
            if expected != 200:
                continue
            response = client_for(cast[role]).get(url)
            assert response.status_code == 200, (role, url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue  # exports: CSV, XLSX, PDF
            for form in post_forms(response.content.decode()):
                action = urljoin(url, form["action"])
                if action.startswith(EXEMPT):
                    continue
                if (role, action) not in seen:
                    seen.add((role, action))
                    yield role, url, action, form


@pytest.mark.django_db
def test_every_post_form_has_a_token_and_its_target_enforces_it(cast, objects):
    checked = []
    # Every page first: the accepted POSTs below change state (close an RFQ, sign out…).
    for role, url, action, form in list(_pages_with_forms(cast, objects)):
        assert TOKEN_FIELD in form["fields"], (
            f"form to {action} on {url} ({role}) has no CSRF token"
        )
        data = {k: v for k, v in form["fields"].items() if k != TOKEN_FIELD}

        strict = client_for(cast[role], enforce_csrf_checks=True)
        # The CSRF cookie, as a browser would have it (every page's layout sets it).
        strict.get(reverse("accounts:password_reset"))
        refused = strict.post(action, data)
        assert refused.status_code == 403, (
            f"POST {action} without a token ({role}): {refused.status_code}"
        )

        # The session's token (the cookie's secret is valid in the field too); an earlier
        # accepted POST may have changed the page, so the form itself may be gone.
        token = strict.cookies["csrftoken"].value
        accepted = strict.post(action, {**data, TOKEN_FIELD: token})
        assert accepted.status_code != 403, f"POST {action} with a token ({role}) was refused"
        checked.append((role, action))
    # The foundation's forms at least: sign-in, sign-out, language, new API token.
    actions = {a for _r, a in checked}
    assert {
        "/accounts/login/",
        "/accounts/logout/",
        "/i18n/setlang/",
        "/accounts/tokens/",
    } <= actions


WRITES = sorted(op for op in OPERATIONS if not op.startswith("GET "))


@pytest.mark.django_db
@pytest.mark.parametrize("operation", WRITES)
def test_api_writes_with_a_session_need_the_csrf_token(operation, cast, objects):
    method, path = operation.split(" ", 1)
    client = client_for(cast["admin"], enforce_csrf_checks=True)
    url = _api_path(path, objects)
    response = getattr(client, method.lower())(url, "{}", content_type="application/json")
    assert response.status_code == 403, (
        f"{operation} with a session and no CSRF token: {response.status_code}"
    )
