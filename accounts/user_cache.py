"""The signed-in user without a query per request (issue 22).

Every signed-in request needs its user: Django reads the session, then the user row. With a
shared cache (`CACHE_URL`, Redis) the session comes from the cache (`accounts.sessions`), and
this module keeps each process's users in memory, valid for one *generation*: a token in the
shared cache that changes whenever any user changes (saved, deleted, signed in, a language
chosen, a password set). The session store reads the generation in the same round trip as
the session (`get_many`), so a request whose user is known in this process and whose
generation did not move runs no user query and no extra cache call.

Correctness first:
- a change to any user or vendor (post_save/post_delete, and `touch()` after a queryset
  `update()`) sets a new generation once its transaction commits; every process drops its users at its
  next request, so a deactivated user, a changed role or a new password (the session hash
  check) take effect on the next request everywhere;
- without a shared cache (`USER_CACHE` False: per-process memory caches could not tell the
  other processes) every request reads its user as Django does;
- each request gets its own instance built from the stored field values (a view that
  changes `request.user` changes nothing another request sees); a vendor user comes with
  its vendor (the navigation shows its name on every page).
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "accounts:users-generation"
MAX_USERS = 10_000
# The generation read with this request's session (None: not read; read it when needed).
_request_generation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "users_generation", default=None
)
_lock = threading.Lock()
# (generation, pk) → (the user's field values, its vendor's or None)
_users: OrderedDict[tuple[str, object], tuple] = OrderedDict()
_stats = {"hits": 0, "misses": 0}


def enabled() -> bool:
    return bool(getattr(settings, "USER_CACHE", False))


def generation_from_cache() -> str:
    """The current generation (one cache call; a new one is set when there is none)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


@contextmanager
def serving(generation: str | None):
    """Within: users are looked up for this generation (the one read with the session)."""
    token = _request_generation.set(generation)
    try:
        yield
    finally:
        _request_generation.reset(token)


def get_user(user_id, load: Callable[[object], object | None]):
    """The user `load(user_id)` would return (None for none), from this process's memory
    when the generation did not move since it was loaded."""
    if not enabled():
        return load(user_id)
    generation = _request_generation.get() or generation_from_cache()
    model = get_user_model()
    key = (generation, model._meta.pk.to_python(user_id))
    stored = _users.get(key)
    if stored is not None:
        _stats["hits"] += 1
        values, vendor_values = stored
        user = _from_values(model, values)
        if vendor_values is not None:  # the navigation names a vendor user's company
            vendor_field = model._meta.get_field("vendor")
            user._state.fields_cache["vendor"] = _from_values(
                vendor_field.related_model, vendor_values
            )
        return user
    _stats["misses"] += 1
    user = load(user_id)
    if user is not None:
        values = (_values(user), _values(user.vendor) if getattr(user, "vendor_id", None) else None)
        with _lock:
            if _users and next(iter(_users))[0] != generation:
                _users.clear()  # another generation: every user stored so far is old
            _users[key] = values
            while len(_users) > MAX_USERS:
                _users.popitem(last=False)
    return user


def _values(instance) -> tuple:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def _from_values(model, values: tuple):
    return model.from_db("default", [f.attname for f in model._meta.concrete_fields], values)


def touch() -> None:
    """A user changed: a new generation once the transaction commits (every process reloads
    its users at its next request). Call after a queryset `update()` of users; saves and
    deletes call it by themselves (signals in `accounts.apps`)."""
    if enabled():
        transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    with _lock:
        _users.clear()


def on_user_changed(sender, **kwargs) -> None:
    touch()


def stats() -> dict[str, int]:
    """Hits and misses of this process (tests, diagnostics)."""
    return dict(_stats, users=len(_users))
