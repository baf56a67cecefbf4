"""Copy the history recorded before the audit trail existed into it (`manage.py
audit_backfill`): django-simple-history has kept every version of the audited models all
along; this makes those versions visible on /audit/ as well.

Per model, the historical rows are read in (object, version) order in chunks, each compared
with the object's previous version, and written in batches — flat memory, a few queries per
thousand rows. Lines the trail already recorded live (from the first live line of that object
type on) are left alone, and a second run replaces its own earlier copy, so it is safe to
run again.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min

from .models import AuditEvent
from .recording import HISTORY_ACTIONS, _diff, _reason
from .registry import BY_MODEL, ObjectType

BACKFILLED = "source:history"
BATCH = 2000


def _vendor_lookup(object_type: ObjectType, history_model):
    """A function historical row → vendor id, without a query per row: a path through a
    relation ("pilot.vendor_id") is read once for all its targets."""
    if object_type.vendor_path is None:
        return lambda row: None
    first, _dot, rest = object_type.vendor_path.partition(".")
    if not rest:
        return lambda row: getattr(row, first, None)
    field = history_model.instance_type._meta.get_field(first)
    vendors = dict(field.related_model._default_manager.values_list("pk", rest.replace(".", "__")))
    return lambda row: vendors.get(getattr(row, field.attname))


def _rows(history_model, before) -> Iterator:
    pk_name = history_model.instance_type._meta.pk.attname
    rows = history_model.objects.order_by(pk_name, "history_id")
    if before is not None:
        rows = rows.filter(history_date__lt=before)
    return rows.iterator(chunk_size=BATCH)


def backfill_object_type(object_type: ObjectType) -> int:
    model = apps.get_model(object_type.model)
    history_model = model.history.model
    pk_name = model._meta.pk.attname
    emails = dict(get_user_model().objects.values_list("pk", "email"))
    vendor_of_row = _vendor_lookup(object_type, history_model)
    written = 0
    with transaction.atomic():
        AuditEvent.objects.filter(object_type=object_type.key, detail=BACKFILLED).delete()
        first_live = AuditEvent.objects.filter(object_type=object_type.key).aggregate(
            first=Min("at")
        )["first"]
        batch: list[AuditEvent] = []
        previous = None
        for row in _rows(history_model, first_live):
            same_object = previous is not None and getattr(previous, pk_name) == getattr(
                row, pk_name
            )
            changes = _diff(object_type, row, previous if same_object else None)
            previous = row
            if row.history_type == "~" and not changes:
                continue
            batch.append(
                AuditEvent(
                    at=row.history_date,
                    actor_id=row.history_user_id,
                    actor_email=emails.get(row.history_user_id, ""),
                    action=HISTORY_ACTIONS[row.history_type],
                    object_type=object_type.key,
                    object_id=getattr(row, pk_name),
                    object_repr=str(row.instance)[:200] if row.history_type != "-" else "",
                    vendor_id=vendor_of_row(row),
                    changes=changes,
                    reason=_reason(row, changes),
                    detail=BACKFILLED,
                )
            )
            if len(batch) >= BATCH:
                AuditEvent.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        written += len(batch)
    return written


def backfill() -> dict[str, int]:
    return {t.key: backfill_object_type(t) for t in BY_MODEL.values()}
