from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    """The KPI room (docs/architecture.md): what every measured period shares — the KPI
    table, the abstract KPI day, its form, CSV, API schemas, sums and pooling. No tables of
    its own: a pilot's and a contract's concrete models live in their rooms."""

    name = "kpis"
    verbose_name = _("KPIs")
