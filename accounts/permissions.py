"""Who may see what, in one place.

Pages: anonymous users go to sign-in (login_required), a role that may not use a page
gets 403, and a vendor asking for another vendor's object gets 404 (the selectors scope
every vendor-facing query, so the object is simply not found).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Role

PROCUREMENT = frozenset({Role.PROCUREMENT, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
INTERNAL = frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN})
VENDORS = frozenset({Role.VENDOR})
EVERYONE = frozenset(Role.values)


def check_role(user, roles: frozenset[str]) -> None:
    """Raise PermissionDenied (403 in pages and the API) unless the user has one of `roles`."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied


def role_required(roles: frozenset[str]) -> Callable:
    """`@role_required(PROCUREMENT)` on a view: sign-in first, then 403 for other roles."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            check_role(request.user, roles)
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
