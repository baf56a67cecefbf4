"""The outbox in the admin: what is queued, sent or failed, and why (read-only)."""

from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("kind", "cause", "to_email", "created_at", "attempts", "sent_at", "failed_at")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter), ("failed_at", admin.EmptyFieldListFilter))  # fmt: skip
    search_fields = ("to_email", "cause", "subject")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
