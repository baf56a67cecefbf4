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


def settings_probe(code: str, env: dict[str, str]) -> object:
    """Run `code` (which prints one JSON line last) in a fresh Python with Django set up under
    `env` over this environment; return what it printed, decoded. For settings read at
    import time, which a test cannot override in its own process."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
