"""The app as `make load` serves it: config.wsgi plus the benchmark's bare pages
(benchmarks/urls.py), so the mix and the bare view run on the same gunicorn in the same run."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
settings.ROOT_URLCONF = "benchmarks.urls"  # before the first request resolves a URL
