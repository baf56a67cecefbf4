from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _alert_changed(**kwargs) -> None:
    from .selectors import open_alert_count_changed  # noqa: PLC0415 - apps load before models

    open_alert_count_changed()


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots")

    def ready(self) -> None:
        # docs/domain.md §6: the last pilot verdict follows the vendor into sourcing.
        from procurement.standing import register_standing_provider

        from .standing import pilot_standing

        register_standing_provider("pilots", pilot_standing)
        # The scorecard e-mail's outbox callbacks (emailed_at, the email_failed alert).
        from .evaluation import emails  # noqa: F401

        # Alerts saved or deleted one by one (admin, factories) forget the badge's count too;
        # the bulk writes in pilots/evaluation call open_alert_count_changed themselves.
        alert = self.get_model("Alert")
        post_save.connect(_alert_changed, sender=alert, dispatch_uid="alert-badge-save")
        post_delete.connect(_alert_changed, sender=alert, dispatch_uid="alert-badge-delete")
