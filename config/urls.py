from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config import home as config_home
from config import views as config_views
from config.api import api

# Error pages in the base layout (templates/400.html … 500.html), translated, with a way back.
handler400 = "django.views.defaults.bad_request"
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
# 503 instead of 500 while the database is unreachable (tests/hardening/test_database_outage.py);
# otherwise templates/500.html, rendered without a request context (no database needed).
handler500 = "common.views.server_error"

urlpatterns = [
    path("", config_home.home, name="home"),
    path("healthz", config_views.healthz, name="healthz"),
    path("metrics", config_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("procurement/", include("procurement.urls")),
    path("costing/", include("costing.urls")),
    path("pilots/", include("pilots.urls")),
    path("contracts/", include("contracts.urls")),
    path("audit/", include("audit.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
