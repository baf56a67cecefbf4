from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import emails  # noqa: F401 - the outbox callback (Invitation.notified_at)
        from .context_processors import pending_count_changed
        from .models import AwardProposal

        post_save.connect(pending_count_changed, sender=AwardProposal, dispatch_uid="award_count")
        post_delete.connect(pending_count_changed, sender=AwardProposal, dispatch_uid="award_del")
