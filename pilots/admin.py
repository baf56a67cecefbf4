from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Alert, KpiEntry, Pilot, Scorecard


@admin.register(Pilot)
class PilotAdmin(SimpleHistoryAdmin):
    list_display = ["id", "vendor", "channel", "start_date", "length_days", "status", "decision"]
    list_filter = ["status", "channel"]
    list_select_related = ["vendor"]
    filter_horizontal = ["managers"]


@admin.register(KpiEntry)
class KpiEntryAdmin(SimpleHistoryAdmin):
    list_display = [
        "pilot",
        "day",
        "tickets",
        "csat_responses",
        "csat_positive",
        "fcr_resolved",
        "cost",
        "late",
    ]
    list_select_related = ["pilot__vendor"]
    date_hierarchy = "day"


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = [
        "pilot",
        "checkpoint_day",
        "met_count",
        "data_coverage_pct",
        "verdict",
        "emailed_at",
    ]
    list_filter = ["verdict"]
    list_select_related = ["pilot__vendor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # scorecards are immutable


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["kind", "pilot", "key", "opened_at", "closed_at", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["pilot__vendor"]
