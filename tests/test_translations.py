"""Every user-facing string ships in Dutch: no catalogue may hold an untranslated or fuzzy entry."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_there_is_a_dutch_catalogue_per_app():
    owners = {p.relative_to(ROOT).parts[0] for p in CATALOGUES}
    assert {"locale", "accounts", "procurement", "costing", "pilots"} <= owners


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_completely_translated(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert missing == [], f"{len(missing)} untranslated in {path.relative_to(ROOT)}: {missing[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_current(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"run compilemessages: {mo} is missing"
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(mo))}
    source = {
        e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.translated() and not e.msgid_plural
    }
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}
