from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # The lower rooms emit events (common.events) without knowing this room exists.
        from common import events, metrics  # noqa: PLC0415 - app registry must be ready

        from . import dispatch, services  # noqa: PLC0415

        events.listeners.register(dispatch.deliveries_record)
        metrics.scrape_gauges.register(services.pending_deliveries_gauge)
