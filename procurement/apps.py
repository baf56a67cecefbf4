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
        # A vendor user's company is kept with the signed-in user (accounts.user_cache).
        from accounts import user_cache

        from .models import Vendor

        post_save.connect(user_cache.on_user_changed, sender=Vendor, dispatch_uid="vendor_users")
