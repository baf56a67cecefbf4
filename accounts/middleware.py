from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.middleware import auser
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from . import user_cache


def get_user(request):
    """Django's `request.user`, looked up for the users' generation read with the session
    (`accounts.sessions`), so a user this process knows costs no query."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(auth.SESSION_KEY)  # loads the session (and the generation with it)
        with user_cache.serving(getattr(session, "users_generation", None)):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)  # its checks; then our lookup
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(auser, request)


class UserLanguageMiddleware:
    """A signed-in user's saved language applies on every device; choosing another one
    with the language switcher (which sets the language cookie) saves it on the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen and chosen != user.language and translation.check_for_language(chosen):
                get_user_model().objects.filter(pk=user.pk).update(language=chosen)
                user_cache.touch()
                user.language = chosen
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
