from django.contrib import admin

from .models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "active", "created_at")
    exclude = ("secret",)  # never shown here: the product page shows it once


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_type", "endpoint", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "event_type")
    readonly_fields = [f.name for f in Delivery._meta.fields]
