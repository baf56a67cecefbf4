"""Database errors told apart, and a retry for write conflicts.

An `OperationalError` is not always an outage. PostgreSQL answers a deadlock (SQLSTATE
40P01), a serialization failure (40001) or a lock timeout (55P03) while it is perfectly
reachable: the transaction was rolled back and running it again is the cure. Only a failed
or lost connection (class 08, the server shutting down 57P0x, out of connections 53300, or a
client-side error with no SQLSTATE while `SELECT 1` fails too) means the database is
unreachable: then the site answers 503 (common.views.server_error).

`retry_on_conflict` runs a transaction again on a conflict:

    @retry_on_conflict
    def kpi_entries_save(...):
        ...  # runs inside transaction.atomic(); re-run up to 3 times on deadlock

    @retry_on_conflict(attempts=5)
    def ...
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable

from django.db import (
    DEFAULT_DB_ALIAS,
    Error,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)

logger = logging.getLogger(__name__)

DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"
LOCK_NOT_AVAILABLE = "55P03"
CONFLICT_SQLSTATES = frozenset({DEADLOCK, SERIALIZATION_FAILURE, LOCK_NOT_AVAILABLE})
QUERY_CANCELED = "57014"  # statement_timeout (or a cancel request)
# A time limit met (settings: DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_LOCK_TIMEOUT_MS).
TIMEOUT_SQLSTATES = frozenset({QUERY_CANCELED, LOCK_NOT_AVAILABLE})
# The server is going away or cannot take us: unreachable for this request.
UNREACHABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
# SQLite's own words for "another connection holds the lock" (it has no SQLSTATE).
SQLITE_CONFLICT_MESSAGES = ("database is locked", "database table is locked")


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error, from the driver's exception Django wrapped."""
    for error in (exc, exc.__cause__):
        state = getattr(error, "sqlstate", None) or getattr(
            getattr(error, "diag", None), "sqlstate", None
        )
        if state:
            return state
    return None


def is_conflict(exc: BaseException) -> bool:
    """A deadlock, serialization failure or lock timeout: the database is up, retry."""
    if not isinstance(exc, Error):
        return False
    state = sqlstate(exc)
    if state:
        return state in CONFLICT_SQLSTATES
    return isinstance(exc, OperationalError) and str(exc).startswith(SQLITE_CONFLICT_MESSAGES)


def timeout_kind(exc: BaseException) -> str | None:
    """ "statement" or "lock" when the database cancelled the work at a time limit (a lock
    timeout is retried as a conflict first; when it outlives the retries it is said as
    what it is), else None."""
    if not isinstance(exc, Error):
        return None
    state = sqlstate(exc)
    if state == QUERY_CANCELED:
        return "statement"
    if state == LOCK_NOT_AVAILABLE:
        return "lock"
    return None


def database_reachable(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `SELECT 1` works on this connection now (reconnecting if it must)."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("database %s unreachable", using, exc_info=True)
        return False


def is_unreachable(exc: BaseException, using: str = DEFAULT_DB_ALIAS) -> bool:
    """The database cannot be reached: an outage (503), not a bug (500) or a conflict (409)."""
    if not isinstance(exc, OperationalError | InterfaceError) or is_conflict(exc):
        return False
    state = sqlstate(exc)
    if state:
        # The server answered with a code: reachable, unless the code says it is leaving.
        return state.startswith("08") or state in UNREACHABLE_SQLSTATES
    # No SQLSTATE: a client-side failure (connection refused, lost, closed) or an SQLite
    # error. Ask the database itself.
    return not database_reachable(using)


def retry_on_conflict(
    func: Callable | None = None,
    *,
    attempts: int = 3,
    base_delay: float = 0.05,
    using: str | None = None,
):
    """Run the function in `transaction.atomic()`; on a deadlock, serialization failure or
    lock timeout roll back and run it again, up to `attempts` runs in all, sleeping a jittered
    `base_delay × 2^n` between runs. The last conflict is raised (the error page answers 409).

    Only the outermost transaction can be retried (PostgreSQL aborts the whole transaction on
    a deadlock): inside an outer atomic block the function runs once and a conflict is raised
    for the outer retry to handle. The function must have no effects outside the database
    before it returns (enqueue e-mails with transaction.on_commit).
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            alias = using or DEFAULT_DB_ALIAS
            if connections[alias].in_atomic_block:
                with transaction.atomic(using=alias):
                    return function(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    with transaction.atomic(using=alias):
                        return function(*args, **kwargs)
                except OperationalError as exc:
                    if not is_conflict(exc) or attempt == attempts:
                        raise
                    delay = base_delay * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                    logger.info(
                        "%s: %s (SQLSTATE %s), retry %d of %d in %.3f s",
                        function.__qualname__,
                        type(exc.__cause__ or exc).__name__,
                        sqlstate(exc),
                        attempt,
                        attempts - 1,
                        delay,
                    )
                    time.sleep(delay)
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(func) if func is not None else decorate
