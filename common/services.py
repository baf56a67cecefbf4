"""Service helpers every app may use (HackSoft style)."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, fields: Iterable[str], data: Mapping[str, Any]) -> tuple[M, bool]:
    """Set the named `fields` that `data` holds, and save if any of them changed.

    Keys of `data` outside `fields` are ignored, so a form or API payload never reaches other
    columns. A change is validated with `full_clean()` and saved with
    `save(update_fields=…)` (plus any `auto_now` field); returns (instance, changed).
    Raises ValidationError naming the field, and then saves nothing.
    """
    changed = []
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    if not changed:
        return instance, False
    instance.full_clean()
    stamps = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=[*changed, *stamps])
    return instance, True
