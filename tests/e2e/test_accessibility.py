"""Every page of every role passes axe-core (WCAG 2.2 AA rules) in Chromium with no serious
or critical violation (issue 23: the European Accessibility Act applies since June 2025).

The walk starts at each demo role's home and follows the links a person can follow (the
navigation and the page's own links, GET only, no downloads or sign-out), one page per kind
of page (URL name), so a new page is walked without adding it here. axe-core itself comes
with axe-playwright-python (no download at run time).
"""

import io
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from accounts.demo import DEMO_PASSWORD
from tests.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = [
    "procurement@demo.example",
    "manager@demo.example",
    "admin@demo.example",
    "vendor@lisbon.example",
]
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
}
BLOCKING = {"serious", "critical"}
MAX_PAGES_PER_ROLE = 60
# Not pages: downloads, sign-out, the API's own docs, the admin site (Django's, not ours).
SKIP_PREFIXES = ("/accounts/logout", "/api/", "/admin/", "/static/", "/media/")
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".png", ".svg", ".json")


def _kind(path: str) -> str | None:
    """One walk per kind of page: its URL name (`pilots:pilot_detail`), None if not ours."""
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name or ""
    if any(word in name for word in ("logout", "export", "download", "pdf", "csv", "xlsx")):
        return None
    return name


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, a fragment, mailto:
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _violations(axe, page) -> list[str]:
    found = axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in found
        if v["impact"] in BLOCKING
    ]


def test_every_page_of_every_role_passes_axe(browser, live_server, settings):
    from axe_playwright_python.sync_playwright import Axe

    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    axe = Axe()
    problems: dict[str, list[str]] = {}
    walked: dict[str, int] = {}
    for email in ROLES:
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            sign_in(page, email, DEMO_PASSWORD)
            seen_kinds: set[str] = set()
            queue = deque(["/"])
            while queue and len(seen_kinds) < MAX_PAGES_PER_ROLE:
                path = queue.popleft()
                kind = _kind(path.split("?")[0])
                if kind is None or kind in seen_kinds:
                    continue
                seen_kinds.add(kind)
                response = page.goto(path)
                if response is None or response.status != 200:
                    continue  # a link the role may not follow answers 403/404 by design
                page.wait_for_load_state("networkidle")
                for problem in _violations(axe, page):
                    problems.setdefault(f"{email} {path}", []).append(problem)
                queue.extend(_links(page))
            walked[email] = len(seen_kinds)
        finally:
            context.close()

    # The walk reached the product, not only the home page.
    assert all(count >= 5 for count in walked.values()), walked
    assert problems == {}, "\n".join(
        f"{where}\n  " + "\n  ".join(found) for where, found in problems.items()
    )
