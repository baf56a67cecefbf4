"""Sign-in backends whose `get_user` (run on every signed-in request) is served from this
process's memory while no user changed (`accounts.user_cache`)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import user_cache


class CachedUserMixin:
    def get_user(self, user_id):
        return user_cache.get_user(user_id, super().get_user)  # type: ignore[misc]


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    """E-mail and password (Django's ModelBackend), the user cached per request generation."""
