"""pytest: fast hashing, in-memory e-mail, no lock-out state between tests."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
AXES_ENABLED = True
LANGUAGE_CODE = "en"
WHITENOISE_AUTOREFRESH = True
# Tests reuse user ids across a fast session: no limit unless a test sets one.
API_THROTTLE_RATE = "100000/min"
# The tests' webhook receivers listen on 127.0.0.1.
WEBHOOKS_ALLOW_PRIVATE = True
