"""The README's screenshots: each demo role's landing page, taken in a real browser.

Run on demand (it seeds the demo into a test database and rewrites docs/screenshots/*.png):

    make screenshots        # = VP_SCREENSHOTS=1 .venv/bin/pytest docs/screenshots.py -p no:cacheprovider

It reuses the browser fixture of the tests (tests/browser.py: Debian's /usr/bin/chromium,
never a downloaded browser) against pytest-django's live server, signs in as each demo user
and saves one 1280×800 PNG per role, palette-optimised to stay small.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from accounts.demo import DEMO_PASSWORD
from tests.browser import browser, sign_in  # noqa: F401 - the fixture

OUT = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
# One per role, in the README's order: (file name, demo sign-in).
ROLES = [
    ("procurement", "procurement@demo.example"),
    ("manager", "manager@demo.example"),
    ("administrator", "admin@demo.example"),
    ("vendor", "vendor@lisbon.example"),
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("VP_SCREENSHOTS") != "1", reason="on demand: make screenshots"
    ),
]


def _save_small(png: bytes, path: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


@pytest.mark.parametrize(("role", "email"), ROLES, ids=[r for r, _e in ROLES])
def test_landing_page_screenshot(browser, live_server, settings, role, email):  # noqa: F811
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, email, DEMO_PASSWORD)
        page.goto("/")
        page.wait_for_load_state("networkidle")
        assert page.locator("nav").is_visible()
        OUT.mkdir(parents=True, exist_ok=True)
        _save_small(page.screenshot(full_page=False), OUT / f"{role}.png")
    finally:
        context.close()
    with Image.open(OUT / f"{role}.png") as saved:
        assert saved.size == (VIEWPORT["width"], VIEWPORT["height"])
