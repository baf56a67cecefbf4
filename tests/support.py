"""Helpers shared by test modules and fixtures."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """Skip locally, fail in CI, when a real service a test needs is not there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


def require_postgresql(why: str = "row locks need PostgreSQL") -> None:
    """Skip on SQLite locally, fail in CI (which runs on PostgreSQL): a test of row locks,
    concurrent writers or PostgreSQL's own errors must never pass there by skipping."""
    from django.db import connection

    require_service(connection.vendor == "postgresql", f"PostgreSQL ({why})")
