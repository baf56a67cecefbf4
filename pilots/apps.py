from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots")

    def ready(self) -> None:
        # DOMAIN.md §6: the last pilot verdict follows the vendor into sourcing.
        from procurement.standing import register_standing_provider

        from .standing import pilot_standing

        register_standing_provider("pilots", pilot_standing)
