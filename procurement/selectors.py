"""Reads for procurement. Every vendor-facing query is scoped here, in one place.

A vendor sees the RFQs it is invited to (never drafts), its own invitation and its own
quote; nothing of another vendor, ever. Internal users see every RFQ and every quote that
was submitted (or that procurement entered itself): a vendor's unsent draft is its own
working copy, as sealed as a paper offer in an envelope.

List selectors return querysets with counts annotated and relations selected or prefetched,
so a page runs the same number of queries for 3 rows or 3,000.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from common.queries import count_of, count_up_to

from .models import (
    AwardProposal,
    AwardStatus,
    Invitation,
    InvitationStatus,
    Quote,
    QuoteStatus,
    Rfq,
    RfqChannel,
    RfqStatus,
    RiskItem,
    TestCase,
    TestCaseAnswer,
    Vendor,
)

CLOSING_SOON = timedelta(hours=48)

# Per-vendor state on the RFQ page: the invitation's own status, or its quote's.
INVITATION_STATES = ("invited", "viewed", "draft", "submitted", "declined")


# --- deadline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineState:
    code: str  # "open", "closing_soon" or "passed"
    deadline: datetime
    remaining: timedelta

    @property
    def passed(self) -> bool:
        return self.code == "passed"


def deadline_state(rfq: Rfq, *, now: datetime | None = None) -> DeadlineState:
    now = now or timezone.now()
    remaining = rfq.quote_deadline - now
    if remaining < timedelta(0):
        code = "passed"
    elif remaining <= CLOSING_SOON:
        code = "closing_soon"
    else:
        code = "open"
    return DeadlineState(code=code, deadline=rfq.quote_deadline, remaining=remaining)


# --- RFQs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RfqActions:
    """What `user` may do with an RFQ right now; the pages show exactly these buttons."""

    edit: bool = False
    open: bool = False
    close: bool = False
    cancel: bool = False
    invite: bool = False
    resend_invitations: bool = False
    enter_quote: bool = False
    propose_award: bool = False  # a manager approves it (issue 12)
    start_pilot: bool = False
    criteria: bool = False  # weights, must-haves, test cases
    rate_answers: bool = False  # the blind review of test-case answers


def rfq_actions(rfq: Rfq, user) -> RfqActions:
    """The same guards the services apply (rfq_open, rfq_close, …), asked before the click."""
    if not (user.is_authenticated and user.is_procurement):
        return RfqActions()
    return RfqActions(
        edit=rfq.is_editable,
        open=rfq.is_draft,
        close=rfq.is_open,
        cancel=rfq.is_cancellable,
        invite=rfq.is_editable,
        resend_invitations=rfq.is_open,
        enter_quote=rfq.takes_entered_quotes,
        propose_award=rfq.is_closed,
        start_pilot=rfq.is_awarded and rfq.awarded_quote_id is not None,
        criteria=rfq.is_editable,
        rate_answers=rfq.takes_ratings,
    )


def rfqs_for_user(user) -> QuerySet[Rfq]:
    """Internal roles: every RFQ. A vendor: the RFQs it is invited to, once opened."""
    rfqs = Rfq.objects.select_related("owner")
    if not user.is_authenticated:
        return rfqs.none()
    if user.is_vendor:
        return rfqs.filter(invitations__vendor_id=user.vendor_id).exclude(status=RfqStatus.DRAFT)
    return rfqs


def get_rfq_for_user(user, pk: int) -> Rfq:
    """404 for an RFQ outside the user's reach, so existence does not leak."""
    return get_object_or_404(rfqs_for_user(user), pk=pk)


def rfq_list(*, user) -> QuerySet[Rfq]:
    """The RFQ list: counts per row, channels prefetched (constant queries per page), newest
    first (index `rfq_newest`); narrowed by procurement.filters.RfqFilter."""
    invitations = Invitation.objects.all()
    rfqs = rfqs_for_user(user).prefetch_related("channels")
    return rfqs.annotate(
        invited_count=count_of(invitations.exclude(status=InvitationStatus.DECLINED), "rfq"),
        declined_count=count_of(invitations.filter(status=InvitationStatus.DECLINED), "rfq"),
        submitted_count=count_of(Quote.objects.filter(status=QuoteStatus.SUBMITTED), "rfq"),
    ).order_by("-created_at", "-pk")


def _quote_subquery(field: str) -> Subquery:
    quotes = Quote.objects.filter(rfq_id=OuterRef("rfq_id"), vendor_id=OuterRef("vendor_id"))
    return Subquery(quotes.values(field)[:1])


def _with_state(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Annotate the vendor's quote (status, id, revision) and the combined state."""
    return invitations.annotate(
        quote_status=_quote_subquery("status"),
        quote_id=_quote_subquery("id"),
        quote_revision=_quote_subquery("revision"),
        quote_entered_by_procurement=_quote_subquery("entered_by_procurement"),
    ).annotate(
        state=Case(
            When(status=InvitationStatus.DECLINED, then=Value("declined")),
            When(quote_status=QuoteStatus.SUBMITTED, then=Value("submitted")),
            When(quote_status=QuoteStatus.DRAFT, then=Value("draft")),
            When(status=InvitationStatus.VIEWED, then=Value("viewed")),
            default=Value("invited"),
            output_field=CharField(),
        )
    )


def invitations_for_rfq(*, rfq: Rfq, user) -> QuerySet[Invitation]:
    """The RFQ page's invitation table; a vendor only ever gets its own row."""
    invitations = Invitation.objects.filter(rfq=rfq).select_related("vendor")
    if user.is_vendor:
        invitations = invitations.filter(vendor_id=user.vendor_id)
    return _with_state(invitations).order_by("vendor__name")


def get_invitation_for_vendor(user, rfq: Rfq) -> Invitation:
    return get_object_or_404(
        _with_state(Invitation.objects.filter(rfq=rfq, vendor_id=user.vendor_id)).select_related(
            "rfq"
        )
    )


def vendors_to_invite(rfq: Rfq) -> QuerySet[Vendor]:
    """Vendors not yet invited, or who declined (they may be asked again)."""
    return (
        Vendor.objects.exclude(
            invitations__in=Invitation.objects.filter(rfq=rfq).exclude(
                status=InvitationStatus.DECLINED
            )
        )
        .annotate(user_count=Count("users", filter=Q(users__is_active=True), distinct=True))
        .order_by("name")
    )


def portal_invitations(*, user) -> QuerySet[Invitation]:
    """A vendor's own invitations (never to a draft RFQ), newest first, each with its
    `state`; narrowed by procurement.filters.PortalInvitationFilter."""
    invitations = (
        Invitation.objects.filter(vendor_id=user.vendor_id)
        .exclude(rfq__status=RfqStatus.DRAFT)
        .select_related("rfq", "rfq__owner")
    )
    return _with_state(invitations).order_by("-rfq__quote_deadline", "-pk")


# --- quotes --------------------------------------------------------------------------------


def _quotes_visible_to(user) -> QuerySet[Quote]:
    quotes = Quote.objects.select_related("vendor", "rfq", "rfq__owner", "submitted_by")
    if not user.is_authenticated:
        return quotes.none()
    if user.is_vendor:
        return quotes.filter(vendor_id=user.vendor_id)
    # Sealed drafts: a vendor's unsent draft is not procurement's to read.
    return quotes.filter(Q(status=QuoteStatus.SUBMITTED) | Q(entered_by_procurement=True))


def _with_checks_data(quotes: QuerySet[Quote]) -> QuerySet[Quote]:
    """What procurement.checks needs, fetched once for the whole page."""
    return quotes.prefetch_related(
        Prefetch("rfq__channels", queryset=RfqChannel.objects.order_by("channel")),
        Prefetch("risks", queryset=RiskItem.objects.order_by("id")),
    )


def _with_test_cases(quotes: QuerySet[Quote]) -> QuerySet[Quote]:
    """A quote's page and the API show its test-case answers (the lists do not)."""
    return quotes.prefetch_related("test_case_answers", "rfq__test_cases")


def quotes_for_rfq(*, rfq: Rfq, user) -> QuerySet[Quote]:
    return _with_test_cases(_with_checks_data(_quotes_visible_to(user).filter(rfq=rfq))).order_by(
        "vendor__name"
    )


def get_quote_for_user(user, pk: int) -> Quote:
    """404 for another vendor's quote (and, for internal users, a vendor's unsent draft)."""
    return get_object_or_404(_with_test_cases(_with_checks_data(_quotes_visible_to(user))), pk=pk)


def submitted_quotes_for_comparison(rfq: Rfq) -> QuerySet[Quote]:
    """Every submitted quote of the RFQ with what the TCO and checks need, in one go."""
    return (
        Quote.objects.filter(rfq=rfq, status=QuoteStatus.SUBMITTED)
        .select_related("vendor", "rfq")
        .prefetch_related("risks", "rfq__channels", "test_case_answers")
        .order_by("vendor__name", "pk")
    )


def quote_list(*, user) -> QuerySet[Quote]:
    """The quotes a user may read, with what the checks need; narrowed by
    procurement.filters.QuoteFilter."""
    quotes = _with_checks_data(_quotes_visible_to(user))
    return quotes.order_by("-updated_at", "-pk")


# --- vendors -------------------------------------------------------------------------------


def vendor_list() -> QuerySet[Vendor]:
    """Every vendor with its counts per row, by name (index `vendor_name`); narrowed by
    procurement.filters.VendorFilter."""
    return Vendor.objects.annotate(
        user_count=count_of(get_user_model().objects.filter(is_active=True), "vendor"),
        invitation_count=count_of(Invitation.objects.all(), "vendor"),
        submitted_count=count_of(Quote.objects.filter(status=QuoteStatus.SUBMITTED), "vendor"),
    ).order_by("name")


def vendor_search(text: str) -> QuerySet[Vendor]:
    """Vendors whose name contains `text`, by name (the pickers' search)."""
    return Vendor.objects.filter(name__icontains=text.strip()[:200]).order_by("name")


def get_vendor(pk: int) -> Vendor:
    return get_object_or_404(Vendor, pk=pk)


def vendor_quotes(vendor: Vendor) -> QuerySet[Quote]:
    return (
        Quote.objects.filter(vendor=vendor)
        .filter(Q(status=QuoteStatus.SUBMITTED) | Q(entered_by_procurement=True))
        .select_related("rfq")
        .order_by("-updated_at")
    )


# --- revision history ----------------------------------------------------------------------

# Bookkeeping that changes with every revision: shown in its own columns, not as a change.
HISTORY_EXCLUDED_FIELDS = (
    "revision",
    "submitted_at",
    "submitted_by",
    "entered_by_procurement",
    "updated_at",
    "created_at",
    "rfq",
    "vendor",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RevisionEntry:
    record: Any  # the historical quote
    history_id: int
    revision: int
    status: str
    when: datetime
    who: Any  # User or None
    entered_by_procurement: bool
    kind: str  # "+" created, "~" changed
    changes: list[FieldChange]

    @property
    def status_label(self) -> str:
        return QuoteStatus(self.status).label


def _visible_records(quote: Quote, user) -> list:
    records = list(quote.history.order_by("history_date", "history_id"))
    if user.is_vendor:
        return records
    # Internal users read revisions, not the vendor's drafts before submission.
    return [r for r in records if r.revision >= 1 or r.entered_by_procurement]


def quote_history(*, quote: Quote, user) -> list[RevisionEntry]:
    """Every saved version, oldest first, with who, when and the changed fields
    (simple-history `diff_against` the version before it)."""
    records = _visible_records(quote, user)
    user_ids = {r.history_user_id for r in records if r.history_user_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
    entries: list[RevisionEntry] = []
    previous = None
    for record in records:
        changes: list[FieldChange] = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_EXCLUDED_FIELDS)
            for change in delta.changes:
                field = Quote._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        field=change.field,
                        label=str(field.verbose_name),
                        old=change.old,
                        new=change.new,
                    )
                )
        entries.append(
            RevisionEntry(
                record=record,
                history_id=record.history_id,
                revision=record.revision,
                status=record.status,
                when=record.history_date,
                who=users.get(record.history_user_id),
                entered_by_procurement=record.entered_by_procurement,
                kind=record.history_type,
                changes=changes,
            )
        )
        previous = record
    return entries


def get_quote_revision(*, quote: Quote, user, history_id: int):
    """One saved version of the quote, as a Quote instance (404 if not the user's to see)."""
    for record in _visible_records(quote, user):
        if record.history_id == history_id:
            return record
    raise Http404


# --- What needs this person now (the home page, config/home.py) ----------------------------


def quotes_to_review(*, limit: int, cap: int | None = None) -> tuple[int, list[Quote]]:
    """Submitted quotes on RFQs still being decided (open or closed), newest first (the
    partial index `quote_submitted_newest` reads the newest few and stops)."""
    quotes = Quote.objects.filter(
        status=QuoteStatus.SUBMITTED, rfq__status__in=(RfqStatus.OPEN, RfqStatus.CLOSED)
    )
    return count_up_to(quotes, cap), list(
        quotes.select_related("rfq", "vendor").order_by("-submitted_at", "-pk")[:limit]
    )


def submitted_quotes_count() -> int:
    """Every submitted quote, decided RFQs included (the home's way to all of them)."""
    return Quote.objects.filter(status=QuoteStatus.SUBMITTED).count()


def rfq_deadlines_within(*, now: datetime, days: int, limit: int) -> tuple[int, list[Rfq]]:
    """Open RFQs whose quote deadline falls in the next `days` days, soonest first, with
    how many quotes are in."""
    rfqs = Rfq.objects.filter(
        status=RfqStatus.OPEN,
        quote_deadline__gte=now,
        quote_deadline__lt=now + timedelta(days=days),
    )
    listed = rfqs.annotate(
        submitted_count=Count("quotes", filter=Q(quotes__status=QuoteStatus.SUBMITTED))
    ).order_by("quote_deadline", "pk")
    return rfqs.count(), list(listed[:limit])


def _unanswered(
    invitations: QuerySet[Invitation], *, now: datetime | None = None
) -> QuerySet[Invitation]:
    """Invited or viewed, no quote submitted and not declined, on an RFQ still open whose
    quote deadline has not passed (after it a vendor can no longer answer: the RFQ's page
    shows who never did). Open RFQs taking quotes are few whatever the history holds, so
    the lists stay flat as the data grows (index `rfq_open_deadline`).

    Written as an anti-join (NOT EXISTS) rather than a filter on the `state` annotation: a
    filter on an annotated subquery runs the subquery once per invitation of every open RFQ
    (seconds at 10× the data), NOT EXISTS is one hash anti-join on the (rfq, vendor) key."""
    submitted = Quote.objects.filter(
        rfq_id=OuterRef("rfq_id"), vendor_id=OuterRef("vendor_id"), status=QuoteStatus.SUBMITTED
    )
    return (
        invitations.filter(
            rfq__status=RfqStatus.OPEN, rfq__quote_deadline__gte=now or timezone.now()
        )
        .exclude(status=InvitationStatus.DECLINED)
        .filter(~Exists(submitted))
        .select_related("rfq", "vendor")
    )


def invitations_unanswered(
    *, limit: int, cap: int | None = None, now: datetime | None = None
) -> tuple[int, list[Invitation]]:
    """Every vendor's invitations still to answer (the deadline not passed), the nearest
    deadline first, counted up to `cap`."""
    invitations = _unanswered(Invitation.objects.all(), now=now)
    return count_up_to(invitations, cap), list(
        invitations.order_by("rfq__quote_deadline", "pk")[:limit]
    )


def vendor_invitations_to_answer(
    *, user, limit: int, cap: int | None = None, now: datetime | None = None
) -> tuple[int, list[Invitation]]:
    """A vendor's open requests without a submitted quote that it can still answer, the
    nearest deadline first."""
    invitations = _unanswered(Invitation.objects.filter(vendor_id=user.vendor_id), now=now)
    return count_up_to(invitations, cap), list(
        invitations.order_by("rfq__quote_deadline", "pk")[:limit]
    )


def vendor_draft_quotes(*, user, limit: int, cap: int | None = None) -> tuple[int, list[Quote]]:
    """A vendor's quotes still in draft on RFQs that take quotes."""
    quotes = Quote.objects.filter(
        vendor_id=user.vendor_id, status=QuoteStatus.DRAFT, rfq__status=RfqStatus.OPEN
    )
    return count_up_to(quotes, cap), list(
        quotes.select_related("rfq").order_by("rfq__quote_deadline", "pk")[:limit]
    )


__all__ = [
    "invitations_unanswered",
    "quotes_to_review",
    "rfq_deadlines_within",
    "vendor_draft_quotes",
    "vendor_invitations_to_answer",
    "INVITATION_STATES",
    "deadline_state",
    "get_invitation_for_vendor",
    "get_quote_for_user",
    "get_quote_revision",
    "get_rfq_for_user",
    "get_vendor",
    "invitations_for_rfq",
    "portal_invitations",
    "quote_history",
    "quote_list",
    "quotes_for_rfq",
    "rfq_list",
    "rfqs_for_user",
    "submitted_quotes_for_comparison",
    "vendor_list",
    "vendor_quotes",
    "vendors_to_invite",
    "vendor_search",
]


# --- best value: the blind review of test-case answers (issue 12) ---------------------------


@dataclass(frozen=True)
class ReviewAnswer:
    answer: TestCaseAnswer
    label: str  # "Answer A": the same letter for a vendor throughout the review
    ref: str  # opaque: neither the answer's id nor the order the vendors answered in

    @property
    def vendor_name(self) -> str:
        return self.answer.quote.vendor.name


@dataclass(frozen=True)
class ReviewRow:
    test_case: TestCase
    answers: tuple[ReviewAnswer, ...]


@dataclass(frozen=True)
class BlindReview:
    rows: tuple[ReviewRow, ...]
    rated: int
    total: int

    @property
    def complete(self) -> bool:
        """Names are shown only once every answer is rated (blind review)."""
        return self.total > 0 and self.rated == self.total


def _blind_digest(rfq: Rfq, text: str) -> str:
    # Keyed with the RFQ's own stored random secret: ids seen elsewhere (the API's quote
    # ids, the order of submission) say nothing about the letters or the references.
    return hmac.new(rfq.blind_review_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def _blind_order(rfq: Rfq, quote: Quote) -> str:
    return _blind_digest(rfq, f"quote:{quote.pk}")


def blind_answer_ref(rfq: Rfq, answer_id: int) -> str:
    """The answer's reference in the review's page and form (`rating_<ref>`)."""
    return _blind_digest(rfq, f"answer:{answer_id}")[:16]


def blind_review_pending(rfq: Rfq) -> bool:
    """While an answer of a submitted quote is unrated, the answers and ratings stay
    unpaired with vendors everywhere (quote pages, comparison, exports, API) and the
    `test_cases` criterion does not count (issue 21)."""
    return (
        TestCaseAnswer.objects.filter(
            quote__rfq=rfq, quote__status=QuoteStatus.SUBMITTED, rating__isnull=True
        )
        .exclude(answer="")
        .exists()
    )


def quote_answers_hidden(quote: Quote, user) -> bool:
    """Whether `user` sees this quote's test-case answers now: a vendor its own always; an
    internal user once every answer of the RFQ is rated (a draft's answers, never rated
    yet, stay hidden too)."""
    if not user.is_internal:
        return False
    return blind_review_pending(quote.rfq) or (
        quote.test_case_answers.filter(rating__isnull=True).exclude(answer="").exists()
    )


def blind_review(rfq: Rfq) -> BlindReview:
    """Every answer of the RFQ's submitted quotes, per test case, under a letter."""
    quotes = sorted(
        Quote.objects.filter(rfq=rfq, status=QuoteStatus.SUBMITTED).select_related("vendor"),
        key=lambda q: _blind_order(rfq, q),
    )
    letters = {q.pk: chr(ord("A") + i) if i < 26 else str(i + 1) for i, q in enumerate(quotes)}
    quote_by_pk = {q.pk: q for q in quotes}
    answers = TestCaseAnswer.objects.filter(quote__in=quotes).exclude(answer="")
    by_case: dict[int, list[TestCaseAnswer]] = {}
    for answer in answers:
        answer.quote = quote_by_pk[answer.quote_id]
        by_case.setdefault(answer.test_case_id, []).append(answer)
    rows = []
    rated = total = 0
    for test_case in rfq.test_cases.all():
        case_answers = sorted(by_case.get(test_case.pk, []), key=lambda a: letters[a.quote_id])
        total += len(case_answers)
        rated += sum(a.rating is not None for a in case_answers)
        rows.append(
            ReviewRow(
                test_case=test_case,
                answers=tuple(
                    ReviewAnswer(
                        a,
                        _("Answer %(letter)s") % {"letter": letters[a.quote_id]},
                        blind_answer_ref(rfq, a.pk),
                    )
                    for a in case_answers
                ),
            )
        )
    return BlindReview(rows=tuple(rows), rated=rated, total=total)


# --- award proposals (issue 12) ---------------------------------------------------------------


def award_proposals_for_rfq(rfq: Rfq) -> QuerySet[AwardProposal]:
    return rfq.award_proposals.select_related("quote__vendor", "proposed_by", "decided_by")


def pending_award_proposals() -> QuerySet[AwardProposal]:
    """What the managers must decide (their alert while pending)."""
    return AwardProposal.objects.filter(status=AwardStatus.PENDING).select_related(
        "rfq", "quote__vendor", "proposed_by"
    )


def decided_award_proposals() -> QuerySet[AwardProposal]:
    """Approved and rejected proposals, the latest decision first."""
    return (
        AwardProposal.objects.exclude(status=AwardStatus.PENDING)
        .select_related("rfq", "quote__vendor", "proposed_by", "decided_by")
        .order_by("-decided_at")
    )


def get_award_proposal_for_user(user, pk: int) -> AwardProposal:
    """Internal users only (vendors never see the buyer's deliberation): 404 for others."""
    if not user.is_internal:
        raise Http404
    proposal = (
        AwardProposal.objects.select_related("rfq", "quote__vendor", "proposed_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal
