"""Helpers every procurement service shares: who may write, save with history, locks."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone

from accounts.models import User
from common.services import model_update


def require_procurement(by: User) -> None:
    if not (by.is_authenticated and by.is_procurement):
        raise PermissionDenied


def save_with_history(instance, *, by: User, exclude: Iterable[str] = ()) -> None:
    """full_clean, then save with `by` as the history user (simple-history: who changed it)."""
    instance.full_clean(exclude=list(exclude) or None)
    instance._history_user = by
    instance.save()


def display_datetime(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def locked(model, pk: int):
    """Re-read a row under a lock so two concurrent transitions cannot both pass a guard."""
    return model.objects.select_for_update().get(pk=pk)


def update_with_history(instance, *, by: User, fields: Iterable[str], data: Mapping) -> bool:
    """common.services.model_update with `by` as the history user; True if anything changed."""
    instance._history_user = by
    _instance, changed = model_update(instance=instance, fields=fields, data=data)
    return changed
