"""Issue 21 item 9: tests that find this class of bug on every run.

- Ids start past 999 in the test database, so an id written with a thousands separator
  ("1,234") breaks a test every run, not only in a long suite.
- A test that needs PostgreSQL, a service or the project documents skips locally but fails under
  CI=true: no test may skip silently with `pytest.skip` or `skipif` of its own.
"""

import re
from pathlib import Path

import pytest

from tests import support
from tests.conftest import FIRST_ID
from tests.factories import VendorFactory

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_ids_start_past_999():
    from procurement.models import Vendor

    vendor = VendorFactory()
    assert vendor.pk >= FIRST_ID
    assert Vendor.history.get(id=vendor.pk).history_id >= FIRST_ID


@pytest.mark.django_db(transaction=True)
def test_ids_start_past_999_in_transactional_tests_too():
    assert VendorFactory().pk >= FIRST_ID


def test_a_missing_service_fails_in_ci(monkeypatch):
    monkeypatch.setattr(support, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        support.require_service(False, "PostgreSQL")


def test_a_missing_service_skips_locally(monkeypatch):
    monkeypatch.setattr(support, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        support.require_service(False, "PostgreSQL")


def test_postgresql_only_tests_fail_in_ci_on_sqlite(monkeypatch, settings):
    from django.db import connection

    monkeypatch.setattr(support, "IN_CI", True)
    if connection.vendor == "postgresql":
        support.require_postgresql("row locks")  # there: nothing to say
    else:
        with pytest.raises(pytest.fail.Exception):
            support.require_postgresql("row locks")


SILENT_SKIP = re.compile(r"pytest\.skip\(|pytest\.mark\.skip(if)?\b|pytest\.importorskip\(")


def test_no_test_skips_except_through_require_service():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        if path.name not in {"support.py", "test_test_infra.py"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SILENT_SKIP.search(line)
    ]
    assert not offenders, f"skips that would pass silently in CI: {offenders}"
