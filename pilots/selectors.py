"""Reads for pilots, KPI entries, scorecards and alerts."""

from .models import Alert


def open_alert_count() -> int:
    return Alert.objects.filter(closed_at__isnull=True).count()
