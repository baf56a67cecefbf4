from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Writes an AuditEvent for every historical record of the audited models and for
        # sign-ins, failed sign-ins, sign-outs and API token use (audit/recording.py).
        from . import recording

        recording.connect()
