from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from . import extensions  # noqa: PLC0415 - app registry must be ready first

        extensions.register()
        from . import emails  # noqa: F401 - the outbox callback (emailed_at)
