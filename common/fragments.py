"""Cache keys for page fragments, "keyed on what they show" (issue 22).

A fragment rendered from some database rows is cached under a digest of those very rows
(every concrete field of each), plus whatever else the fragment shows (the language, a
sort, a term): any change to a row makes a new key, so a page never shows a stale fragment
and nothing has to be invalidated. The old entry simply expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

# Part of every key: bump it when a change to the code or a template alters what a cached
# fragment holds, so a shared cache (Redis) does not serve the old HTML after a deploy.
FRAGMENT_VERSION = "1"


def _field_values(row: Model) -> tuple[Any, ...]:
    values = []
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(value, memoryview):  # a BinaryField from PostgreSQL
            value = bytes(value)
        values.append(value)
    return tuple(values)


def rows_digest(rows: Iterable[Model | None]) -> str:
    """A short digest of the rows' labels, primary keys and every concrete field value, in
    the given order (None counts as a row that is not there)."""
    digest = hashlib.sha256()
    for row in rows:
        if row is None:
            digest.update(b"-;")
            continue
        digest.update(row._meta.label.encode())
        digest.update(repr(_field_values(row)).encode())
        digest.update(b";")
    return digest.hexdigest()[:32]


def fragment_key(name: str, *parts: object) -> str:
    """`fragment:<name>:<version>:<part>:…`, the parts as text (a language, an id, a digest)."""
    return ":".join(["fragment", name, FRAGMENT_VERSION, *(str(part) for part in parts)])
