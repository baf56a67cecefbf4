from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from common import views as common_views
from config.api import api

# 503 instead of 500 while the database is unreachable (tests/hardening/test_database_outage.py).
handler500 = "common.views.server_error"

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("procurement/", include("procurement.urls")),
    path("costing/", include("costing.urls")),
    path("pilots/", include("pilots.urls")),
    path("contracts/", include("contracts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
