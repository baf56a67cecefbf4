from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AwardProposal,
    Invitation,
    Quote,
    Rfq,
    RfqChannel,
    RiskItem,
    TestCase,
    TestCaseAnswer,
    Vendor,
)


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
    # Awarding goes through a proposal a manager approves (issue 12), never through here.
    readonly_fields = ["status", "awarded_quote"]


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


@admin.register(AwardProposal)
class AwardProposalAdmin(SimpleHistoryAdmin):
    """Read-only: a proposal is decided in the app, where approving awards the RFQ."""

    list_display = ["rfq", "quote", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["rfq", "quote__vendor", "proposed_by", "decided_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TestCase)
class TestCaseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "rfq", "position"]
    list_select_related = ["rfq"]


@admin.register(TestCaseAnswer)
class TestCaseAnswerAdmin(SimpleHistoryAdmin):
    list_display = ["quote", "test_case", "rating", "rated_by"]
    list_select_related = ["quote__vendor", "test_case", "rated_by"]
