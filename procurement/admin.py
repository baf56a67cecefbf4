from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, Quote, Rfq, RfqChannel, RiskItem, Vendor


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "country", "contact_email"]
    list_filter = ["region"]
    search_fields = ["name", "country"]


class RfqChannelInline(admin.TabularInline):
    model = RfqChannel
    extra = 0


@admin.register(Rfq)
class RfqAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "status", "owner", "quote_deadline", "term_months"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    search_fields = ["reference", "title"]
    inlines = [RfqChannelInline]
    raw_id_fields = ["awarded_quote"]


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["rfq", "vendor", "status", "invited_at", "viewed_at", "declined_at"]
    list_filter = ["status"]
    list_select_related = ["rfq", "vendor"]


class RiskItemInline(admin.TabularInline):
    model = RiskItem
    extra = 0


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    list_display = ["rfq", "vendor", "status", "revision", "pricing_model", "submitted_at"]
    list_filter = ["status", "pricing_model"]
    list_select_related = ["rfq", "vendor"]
    search_fields = ["rfq__reference", "vendor__name"]
    inlines = [RiskItemInline]


@admin.register(RiskItem)
class RiskItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "quote", "probability_pct", "impact"]
    list_select_related = ["quote__vendor", "quote__rfq"]
