"""Development: `make run`. DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# Webhooks to a receiver on this machine (127.0.0.1) while developing.
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=True)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# E-mails are written as files under var/mail/ (one .log file per message, readable as text)
# instead of filling the console; `EMAIL_URL=consolemail://` prints them again.
vars().update(env.email_url("EMAIL_URL", default="filemail://var/mail"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F405
    # django-environ reads filemail://var/mail as host "var" and path "mail": rejoin them,
    # relative to the project folder.
    EMAIL_FILE_PATH = str(BASE_DIR / "/".join(p for p in (EMAIL_HOST, EMAIL_FILE_PATH) if p))  # noqa: F405
    # The same files, but a run that sends nothing leaves no empty one.
    EMAIL_BACKEND = "common.mailfiles.EmailBackend"

# By-hand commands (`manage.py evaluate_pilots`, …) link to the server `make run` started:
# bin/run-all writes its address to var/site-url; SITE_URL or PORT in the environment win.
_RUNNING_SITE = BASE_DIR / "var" / "site-url"
if not (env.str("SITE_URL", default="") or env.str("PORT", default="")) and _RUNNING_SITE.exists():
    SITE_URL = _RUNNING_SITE.read_text().strip().rstrip("/") or SITE_URL  # noqa: F405
