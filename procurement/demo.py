"""Demo RFQ round for `seed_demo`: the cost article's webshop, three vendors, three quotes.

Runs through the real services (so history, revisions and e-mails are what a real round
makes) and is idempotent: a second run finds the demo RFQ and only reports it.
"""

from collections.abc import Callable
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, seed_accounts
from accounts.models import Role, User
from accounts.services import user_create_or_update
from common.formats import format_eur

from . import services
from .checks import RATE_FLAG_LABELS, quote_gaps, quote_rate_flags, quote_risk
from .models import Quote, Rfq, Vendor
from .services import AwardAssessment

DEMO_REFERENCE = "RFQ-DEMO-WEBSHOP"
NEARSHORE = "Lisbon Contact Partners"
OFFSHORE = "Manila Care Services"
ONSHORE = "Utrecht Klantcontact"

DEMO_VENDORS = {
    # vendor name: (region, country, user e-mail)
    NEARSHORE: ("nearshore", "Portugal", "vendor@lisbon.example"),
    OFFSHORE: ("offshore", "Philippines", "vendor@manila.example"),
    ONSHORE: ("onshore", "Netherlands", "vendor@utrecht.example"),
}

VENDOR_DETAILS = {
    NEARSHORE: {
        "website": "https://lisbon-contact.example",
        "cert_iso27001": True,
        "notes": "Dutch-speaking team in Lisbon; references from two Dutch webshops.",
    },
    OFFSHORE: {
        "website": "https://manila-care.example",
        "notes": "Large English-language operation; Dutch only through a partner.",
    },
    ONSHORE: {
        "website": "https://utrecht-klantcontact.example",
        "cert_iso27001": True,
        "cert_soc2": True,
        "notes": "Sends quotes by e-mail; procurement enters them.",
    },
}

# The cost article's worked example: 500 tickets a month, AHT 10 minutes, 160 productive
# hours; in-house 1 FTE at €2,500 gross + 35% employer costs (docs/domain.md §2).
RFQ_DATA = {
    "title": "Webshop customer service 2026",
    "reference": DEMO_REFERENCE,
    "description": (
        "E-mail and live chat for our webshop (500 e-mails a month, chat on the site). "
        "Dutch and English. Quote on the standard template; a 60-day pilot on e-mail "
        "follows the award."
    ),
    "opens_at": time(9, 0),
    "closes_at": time(17, 0),
    "days_per_week": 5,
    "languages": "Dutch, English",
    "term_months": 12,
    "ih_gross_salary_month": Decimal("2500"),
    "ih_employer_costs_pct": Decimal("35"),
    "ih_productive_hours_per_fte_month": Decimal("160"),
    # "1 FTE voor dekking en pieken" — the article staffs 0.52 FTE of work with one person.
    "ih_fte": Decimal("1"),
}
CHANNELS = [
    {
        "channel": "email",
        "volume_per_month": 500,
        "aht_minutes": Decimal("10"),
        "sla_response_minutes": Decimal("240"),
    },
    {
        "channel": "chat",
        "volume_per_month": 150,
        "aht_minutes": Decimal("10"),
        "sla_response_minutes": Decimal("1"),
    },
]

NEARSHORE_QUOTE = {
    # Cost article: nearshore €18/h + €2,000 onboarding.
    "pricing_model": "hourly",
    "hourly_rate": Decimal("18"),
    "agents_offered": 1,
    "onboarding_fee": Decimal("2000"),
    "training_hours_per_agent": Decimal("40"),
    # Issue 24: training hours are priced at the training rate; €0 an hour says they are
    # included in the €2,000 onboarding fee.
    "onboarding_hourly_rate": Decimal("0"),
    "licences_per_agent_month": Decimal("0"),
    "integration_one_time": Decimal("0"),
    "api_work_paid_by": "vendor",
    "maintenance_paid_by": "vendor",
    "management_fee_per_month": Decimal("0"),
    "reporting_frequency": "weekly",
    "qa_samples_per_month": 50,
    "sla_email_response_minutes": Decimal("240"),
    "sla_chat_response_minutes": Decimal("1"),
    "min_availability_pct": Decimal("99.5"),
    "penalties": "5% of the monthly invoice for every month an SLA is missed.",
    "disaster_recovery": "Second site in Porto; fail-over within 4 hours.",
    "scale_up_days": 14,
    "minimum_term_months": 12,
    "performance_based_pricing": "Bonus or malus of 5% around a CSAT of 85%.",
    "notice_period_days": 90,
    "exit_fee": Decimal("0"),
    "data_return": "Full export (tickets, attachments, macros) within 30 days of the end.",
    "knowledge_base_owner": "client",
    "escalation_routes": "Team lead → account manager → operations director.",
    "dpa": True,
    "data_location": "EU (Portugal)",
    "encryption_at_rest": True,
    "encryption_in_transit": True,
    "access_levels": "Role-based, named accounts with MFA, least privilege.",
    "audit_rights": True,
    "incident_response_plan": True,
    "cert_iso27001": True,
}

OFFSHORE_QUOTE = {
    "pricing_model": "per_ticket",
    "per_ticket_rate": Decimal("1.25"),
    "agents_offered": 2,
    "onboarding_hours_per_agent": Decimal("60"),
    # docs/domain.md §2: onboarding hours are priced at a training rate, never at €0 (offshore
    # €4–8 an hour in the cost article's 2025 rates).
    "onboarding_hourly_rate": Decimal("6"),
    "licences_per_agent_month": Decimal("25"),
    "integration_one_time": Decimal("3000"),
    "api_work_paid_by": "client",
    "maintenance_paid_by": "shared",
    "management_fee_per_month": Decimal("300"),
    "reporting_frequency": "monthly",
    "qa_samples_per_month": 30,
    "sla_email_response_minutes": Decimal("480"),
    "sla_chat_response_minutes": Decimal("2"),
    "min_availability_pct": Decimal("98"),
    "scale_up_days": 30,
    "minimum_term_months": 24,
    "volume_commitment": "At least 400 tickets a month.",
    "notice_period_days": 180,
    "exit_fee": Decimal("5000"),
    "knowledge_base_owner": "vendor",
    "escalation_routes": "Account manager.",
    "dpa": True,
    "data_location": "Philippines (outside the EU; standard contractual clauses)",
    "encryption_in_transit": True,
}

ONSHORE_QUOTE = {
    # Mixed: a monthly base plus a low rate per ticket (below the onshore €2–6 band).
    "pricing_model": "mixed",
    "monthly_fee": Decimal("600"),
    "per_ticket_rate": Decimal("1.60"),
    "agents_offered": 1,
    "onboarding_fee": Decimal("1500"),
    "training_hours_per_agent": Decimal("24"),
    "onboarding_hourly_rate": Decimal("0"),  # training included in the onboarding fee
    "licences_per_agent_month": Decimal("0"),
    "integration_one_time": Decimal("1000"),
    "api_work_paid_by": "vendor",
    "maintenance_paid_by": "vendor",
    "management_fee_per_month": Decimal("0"),
    "reporting_frequency": "weekly",
    "sla_email_response_minutes": Decimal("120"),
    "sla_chat_response_minutes": Decimal("1"),
    "min_availability_pct": Decimal("99.9"),
    "penalties": "Service credit of 10% for every month an SLA is missed.",
    "disaster_recovery": "Two data centres in the Netherlands.",
    "scale_up_days": 7,
    "minimum_term_months": 12,
    "notice_period_days": 60,
    "exit_fee": Decimal("0"),
    "data_return": "Export within 14 days, then deletion with a certificate.",
    "knowledge_base_owner": "client",
    "escalation_routes": "Shift lead → service manager.",
    "dpa": True,
    "data_location": "Netherlands",
    "encryption_at_rest": True,
    "encryption_in_transit": True,
    "access_levels": "Named accounts per agent, quarterly access review.",
    "audit_rights": True,
    "incident_response_plan": True,
    "cert_iso27001": True,
    "cert_soc2": True,
}

# Best value (docs/domain.md §4): the buyer's weights, its deal-breakers and two test cases.
WEIGHTS = {
    "cost": 35,
    "service": 20,
    "compliance": 20,
    "scalability": 10,
    "risk": 5,
    "test_cases": 10,
}
MUST_HAVES = ["dpa", "encryption_at_rest", "incident_response_plan"]
TEST_CASES = [
    {
        "title": "Refund 40 days after delivery",
        "description": "A customer asks for a refund 40 days after delivery; the return "
        "period is 30 days. What do you answer, and when do you escalate?",
    },
    {
        "title": "Lost parcel, angry customer on chat",
        "description": "The carrier lost a birthday present; the customer is angry and "
        "the party is tomorrow. Walk us through the chat.",
    },
]
# Each vendor's answers, and the buyer's blind ratings of them (1–5).
ANSWERS = {
    NEARSHORE: [
        (
            "Explain the 30-day term kindly, offer store credit as a goodwill gesture, "
            "escalate to the team lead when the product is faulty.",
            4,
        ),
        (
            "Apologise, reship by express today at our cost, send the tracking link and "
            "follow up the next morning.",
            5,
        ),
    ],
    OFFSHORE: [
        ("Refuse the refund: the return period has passed.", 2),
        ("Open a claim with the carrier and ask the customer to wait 5 working days.", 2),
    ],
    ONSHORE: [
        (
            "Check the order history; a loyal customer gets the refund, otherwise store "
            "credit. Faulty products always go to the escalation queue.",
            5,
        ),
        (
            "Reship by same-day courier where available, a voucher for the trouble, and "
            "a note to the carrier team.",
            4,
        ),
    ],
}

RISKS = {
    NEARSHORE: [
        ("Quality loss during knowledge transfer", Decimal("20"), Decimal("5000")),
        ("Vendor dependency", Decimal("10"), Decimal("8000")),
    ],
    OFFSHORE: [
        ("Data leak (data outside the EU)", Decimal("10"), Decimal("50000")),
        ("Quality loss (Dutch through a partner)", Decimal("30"), Decimal("10000")),
        ("Hidden costs (integration, licences)", Decimal("25"), Decimal("4000")),
    ],
    ONSHORE: [("Price rise after the first term", Decimal("30"), Decimal("3000"))],
}


def seed_cast() -> dict[str, User]:
    """The demo's people: one user per internal role (accounts) and, for each demo vendor,
    the vendor and one sign-in (key `vendor:<name>`)."""
    cast = seed_accounts()
    for name, (region, country, email) in DEMO_VENDORS.items():
        vendor, _ = Vendor.objects.update_or_create(
            name=name, defaults={"region": region, "country": country, "contact_email": email}
        )
        cast[f"vendor:{name}"], _ = user_create_or_update(
            email=email, role=Role.VENDOR, vendor=vendor, password=DEMO_PASSWORD
        )
    return cast


def _user_of(cast: dict, vendor_name: str):
    return cast[f"vendor:{vendor_name}"]


Assess = Callable[[Rfq, Quote], AwardAssessment]


def _run_round(cast: dict, assess: Assess) -> Rfq:
    buyer = cast["procurement"]
    data = {**RFQ_DATA, "quote_deadline": timezone.now() + timedelta(days=14)}
    rfq = services.rfq_create(by=buyer, data=data, channels=CHANNELS)
    services.rfq_criteria_update(rfq=rfq, by=buyer, weights=WEIGHTS, must_haves=MUST_HAVES)
    services.test_cases_replace(rfq=rfq, by=buyer, rows=TEST_CASES)
    vendors = [Vendor.objects.get(name=name) for name in (NEARSHORE, OFFSHORE, ONSHORE)]
    services.invitations_create(rfq=rfq, vendors=vendors, by=buyer)
    rfq = services.rfq_open(rfq=rfq, by=buyer)

    nearshore, offshore, onshore = vendors
    # Nearshore: a draft first, then submitted (revision 1).
    lisbon = _user_of(cast, NEARSHORE)
    services.quote_save_draft(
        rfq=rfq, vendor=nearshore, by=lisbon, data={"pricing_model": "hourly"}
    )
    services.quote_submit(rfq=rfq, vendor=nearshore, by=lisbon, data=NEARSHORE_QUOTE)
    # Offshore: submitted, then the rate lowered after a question (revision 2).
    manila = _user_of(cast, OFFSHORE)
    quote = services.quote_submit(rfq=rfq, vendor=offshore, by=manila, data=OFFSHORE_QUOTE)
    services.quote_update(quote=quote, by=manila, data={"per_ticket_rate": Decimal("1.10")})
    # Onshore: sent by e-mail, entered by procurement.
    services.quote_submit(rfq=rfq, vendor=onshore, by=buyer, data=ONSHORE_QUOTE)

    for quote in Quote.objects.filter(rfq=rfq).select_related("vendor"):
        for name, probability, impact in RISKS[quote.vendor.name]:
            services.risk_item_create(
                quote=quote,
                by=buyer,
                data={"name": name, "probability_pct": probability, "impact": impact},
            )

    # Pilot step 2: each vendor answers the test cases; the buyer rates them blind.
    cases = list(rfq.test_cases.all())
    for quote in Quote.objects.filter(rfq=rfq).select_related("vendor", "rfq"):
        author = buyer if quote.entered_by_procurement else _user_of(cast, quote.vendor.name)
        answers = ANSWERS[quote.vendor.name]
        services.test_case_answers_save(
            quote=quote,
            by=author,
            answers={case.pk: text for case, (text, _rating) in zip(cases, answers, strict=True)},
        )
        services.test_case_ratings_save(
            quote=quote,
            by=buyer,
            ratings={case.pk: rating for case, (_text, rating) in zip(cases, answers, strict=True)},
        )

    rfq = services.rfq_close(rfq=rfq, by=buyer)
    # Award with approval: procurement proposes the nearshore quote, a manager approves.
    chosen = Quote.objects.select_related("vendor").get(rfq=rfq, vendor=nearshore)
    proposal = services.award_propose(
        rfq=rfq,
        quote=chosen,
        by=buyer,
        reason="Dutch-speaking team, every must-have met and the best test-case answers; "
        "a 60-day pilot on e-mail follows.",
        override_reason="Nearshore keeps the knowledge transfer within reach of a visit; "
        "we pilot on e-mail first.",
        assessment=assess(rfq, chosen),
    )
    services.award_approve(
        proposal=proposal, by=cast["manager"], note="Approved; start the e-mail pilot."
    )
    return Rfq.objects.get(pk=rfq.pk)


def _no_assessment(rfq: Rfq, quote: Quote) -> AwardAssessment:
    return AwardAssessment(is_best_value=False, is_excluded=False)


def seed_procurement(cast: dict, assess: Assess = _no_assessment) -> dict:
    """`assess` judges the proposed quote (the comparison lives in costing, above here)."""
    for name, details in VENDOR_DETAILS.items():
        Vendor.objects.filter(name=name).update(**details)
    rfq = Rfq.objects.filter(reference=DEMO_REFERENCE).first() or _run_round(cast, assess)
    rfq = Rfq.objects.select_related("awarded_quote").get(pk=rfq.pk)
    quotes = {
        q.vendor.name: q
        for q in Quote.objects.filter(rfq=rfq)
        .select_related("vendor", "rfq")
        .prefetch_related("risks", "rfq__channels")
    }
    channels = ", ".join(
        f"{c.get_channel_display()} {c.volume_per_month}/month" for c in rfq.channels.all()
    )
    lines = [f"RFQ {rfq.reference} “{rfq.title}” ({rfq.get_status_display()}): {channels}"]
    for name, quote in quotes.items():
        rates = ", ".join(
            f"{label} {format_eur(value)}"
            for label, value in (
                ("hourly", quote.hourly_rate),
                ("per ticket", quote.per_ticket_rate),
                ("monthly", quote.monthly_fee),
            )
            if value is not None
        )
        flags = [str(RATE_FLAG_LABELS[f.code]) for f in quote_rate_flags(quote)]
        awarded = " — awarded" if rfq.awarded_quote_id == quote.pk else ""
        gaps = len(quote_gaps(quote))
        lines.append(
            f"  {name} ({quote.vendor.get_region_display()}): {rates}; revision "
            f"{quote.revision}; {gaps} gap{'' if gaps == 1 else 's'}; "
            f"risk {format_eur(quote_risk(quote))}"
            f"{'; ' + ', '.join(flags) if flags else ''}{awarded}"
        )
    return {
        "rfq": rfq,
        "quotes": quotes,
        "awarded_quote": rfq.awarded_quote,
        "lines": lines,
    }
