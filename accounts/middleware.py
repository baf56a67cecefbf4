from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation


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
                user.language = chosen
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
