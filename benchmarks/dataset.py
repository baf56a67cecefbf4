"""The realistic large dataset for benchmarks and load tests, built in PostgreSQL.

    python -m benchmarks.dataset --db vp_bench_data [--scale 1.0] [--seed 2026]

At scale 1.0: 200 vendors (all three regions), 2,000 RFQs with 1–3 channels, 10,000 quotes
(5 per RFQ; RFQ BENCH-00001 has 10 for the comparison benchmark and the last RFQ is a draft
with none), most submitted, rates inside their region's band (docs/domain.md §2) with a few
outliers, checklist gaps and risk items; 2,000 pilots × 90 days of KPI entries (180,000 rows,
written with PostgreSQL COPY); users for every role.

Rows start from the test factories' defaults (tests/factories.py, tests/pilots/factories.py)
via `.build()` and are written with `bulk_create` in batches, never one `create()` per row.
Everything is derived from one seeded `random.Random`, so the same seed and `as_of` give
the same data. Dates are relative to `as_of` (default today) so every pilot's 90 days lie in
the past and the KPI PUT of docs/api.md accepts them.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

SEED = 2026
REGIONS = [("offshore", 0.30), ("nearshore", 0.45), ("onshore", 0.25)]
COUNTRIES = {
    "offshore": ["Philippines", "India", "South Africa", "Egypt"],
    "nearshore": ["Portugal", "Poland", "Romania", "Bulgaria", "Spain"],
    "onshore": ["Netherlands", "Belgium"],
}
# docs/domain.md §2, indicative 2025 rates: (hourly low, high), (per ticket low, high).
RATE_BANDS = {
    "offshore": ((4, 8), (Decimal("0.50"), Decimal("2"))),
    "nearshore": ((12, 25), (Decimal("1"), Decimal("4"))),
    "onshore": ((25, 45), (Decimal("2"), Decimal("6"))),
}
AHT_BY_CHANNEL = {"email": (6, 12), "chat": (8, 15), "phone": (4, 9)}
RISKS = [
    "Quality loss in the first months",
    "Data leak",
    "Hidden costs (change requests)",
    "Vendor dependency",
    "Staff turnover at the vendor",
    "Language quality",
]
BATCH = 5000
TEST_PASSWORD_NOTE = "password: tests.factories.TEST_PASSWORD"


@dataclass
class Built:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _onboarding_hours(rng: random.Random, *, hourly_rate: bool) -> Decimal | None:
    hours = Decimal(rng.choice([40, 60, 80]))
    return hours if hourly_rate else None


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _Timer:
    def __init__(self, built: Built, name: str, verbose: bool):
        self.built, self.name, self.verbose = built, name, verbose

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        took = time.perf_counter() - self.start
        self.built.seconds[self.name] = round(took, 2)
        if self.verbose and exc[0] is None:
            print(f"  {self.name:<28} {self.built.counts.get(self.name, ''):>8}  {took:6.2f} s")


def build(
    *, scale: float = 1.0, seed: int = SEED, as_of: date | None = None, verbose: bool = True
) -> Built:
    """Fill the (empty, migrated) current database. Returns row counts and seconds per step."""
    import factory.random
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.models import Role, User
    from pilots.models import KpiEntry, Pilot, PilotStatus
    from procurement.models import (
        Invitation,
        InvitationStatus,
        Quote,
        QuoteStatus,
        Rfq,
        RfqChannel,
        RfqStatus,
        RiskItem,
        Vendor,
    )
    from tests.contracts.factories import ContractFactory
    from tests.factories import (
        TEST_PASSWORD,
        AdminUserFactory,
        ManagerFactory,
        ProcurementUserFactory,
        VendorFactory,
        VendorUserFactory,
    )
    from tests.pilots.factories import KpiEntryFactory, PilotFactory

    rng = random.Random(seed)
    factory.random.reseed_random(seed)  # Faker names in the user factories
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    built = Built()

    def n(full: int, minimum: int) -> int:
        return max(minimum, round(full * scale))

    n_vendors, n_rfqs, n_pilots = n(200, 6), n(2000, 4), n(2000, 4)

    with transaction.atomic():
        # --- vendors: every region, from VendorFactory's defaults -------------------------
        with _Timer(built, "vendors", verbose):
            vendors = []
            for i in range(n_vendors):
                region = REGIONS[i % 3][0] if i < 3 else _weighted(rng, REGIONS)
                vendors.append(
                    VendorFactory.build(
                        name=f"Bench Vendor {i + 1:03d}",
                        region=region,
                        country=rng.choice(COUNTRIES[region]),
                        cert_iso27001=rng.random() < 0.6,
                        cert_soc2=rng.random() < 0.3,
                    )
                )
            Vendor.objects.bulk_create(vendors, batch_size=BATCH)
            built.counts["vendors"] = len(vendors)

        # --- users per role: factory defaults, one real password hash shared by all -------
        with _Timer(built, "users", verbose):
            # set_password() in the factories would run the production hasher once per user
            # (about 0.3 s each): build with a cheap hasher, then store one real hash.
            shared_hash = make_password(TEST_PASSWORD)
            users = []
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                for i in range(n(10, 2)):
                    users.append(
                        ProcurementUserFactory.build(email=f"buyer{i + 1:02d}@bench.example")
                    )
                for i in range(n(10, 2)):
                    users.append(ManagerFactory.build(email=f"manager{i + 1:02d}@bench.example"))
                for i in range(n(2, 1)):
                    users.append(AdminUserFactory.build(email=f"admin{i + 1:02d}@bench.example"))
                for i, vendor in enumerate(vendors):
                    slug = f"vendor-{i + 1:03d}"
                    users.append(
                        VendorUserFactory.build(email=f"agent1@{slug}.bench.example", vendor=vendor)
                    )
                    if i % 4 == 0:
                        users.append(
                            VendorUserFactory.build(
                                email=f"agent2@{slug}.bench.example", vendor=vendor
                            )
                        )
            for user in users:
                user.password = shared_hash
            User.objects.bulk_create(users, batch_size=BATCH)
            built.counts["users"] = len(users)
            buyers = [u for u in users if u.role == Role.PROCUREMENT]
            vendor_users: dict[int, list] = {}
            for u in users:
                if u.role == Role.VENDOR:
                    vendor_users.setdefault(u.vendor_id, []).append(u)

        # --- RFQs with 1–3 channels ----------------------------------------------------------
        with _Timer(built, "rfqs", verbose):
            rfqs, channels = [], []
            statuses = [
                (RfqStatus.OPEN, 0.35),
                (RfqStatus.CLOSED, 0.30),
                (RfqStatus.AWARDED, 0.25),
                (RfqStatus.DRAFT, 0.05),
                (RfqStatus.CANCELLED, 0.05),
            ]
            for i in range(n_rfqs):
                status = _weighted(rng, statuses)
                if i < 2:
                    status = RfqStatus.CLOSED  # the comparison benchmark's RFQs
                if i == n_rfqs - 1:
                    status = RfqStatus.DRAFT  # the one without quotes
                deadline = timezone.make_aware(
                    datetime.combine(as_of - timedelta(days=rng.randint(-30, 700)), dtime(17, 0))
                )
                rfqs.append(
                    Rfq(
                        title=f"Customer service {rng.choice(['NL', 'BE', 'DACH', 'Nordics'])} "
                        f"{rng.choice(['e-commerce', 'energy', 'telecom', 'insurance', 'travel'])} {i + 1}",
                        reference=f"BENCH-{i + 1:05d}",
                        owner=rng.choice(buyers),
                        description="Generated for benchmarks.",
                        status=status,
                        days_per_week=rng.choice([5, 6, 7]),
                        opens_at=dtime(rng.choice([8, 9]), 0),
                        closes_at=dtime(rng.choice([17, 18, 22, 23]), 0),
                        languages=rng.choice(["Dutch", "Dutch, English", "Dutch, English, German"]),
                        term_months=rng.choice([12, 18, 24]),
                        quote_deadline=deadline,
                        automation_deflection_pct=Decimal(rng.choice([0, 0, 10, 20, 30])),
                        ih_gross_salary_month=_money(rng.uniform(2300, 3400)),
                        ih_employer_costs_pct=Decimal(rng.choice([20, 30, 35, 40])),
                        ih_absence_pct=Decimal(rng.choice([0, 8, 10, 12])),
                        ih_overhead_per_fte_month=_money(rng.uniform(0, 400)),
                        ih_licences_per_fte_month=_money(rng.uniform(0, 60)),
                        own_management_per_month=_money(rng.choice([0, 250, 500])),
                        strategic=rng.random() < 0.1,
                    )
                )
            Rfq.objects.bulk_create(rfqs, batch_size=BATCH)
            for index, rfq in enumerate(rfqs):
                picked = rng.sample(["email", "chat", "phone"], rng.randint(1, 3))
                for channel in picked:
                    low, high = AHT_BY_CHANNEL[channel]
                    channels.append(
                        RfqChannel(
                            rfq=rfq,
                            channel=channel,
                            volume_per_month=rng.choice([200, 500, 1000, 2500, 5000, 12000, 20000]),
                            aht_minutes=_money(rng.uniform(low, high)),
                            sla_response_minutes=Decimal(
                                {"email": rng.choice([240, 480, 1440]), "chat": 1, "phone": 1}[
                                    channel
                                ]
                            ),
                        )
                    )
                if index == 0:
                    # Issue 11: the comparison benchmark's RFQ covers all three channels (live
                    # chat and phone staffed per open hour). Fixed values, no draw, so every
                    # later seeded draw stays what it was.
                    channels.extend(
                        RfqChannel(
                            rfq=rfq,
                            channel=channel,
                            volume_per_month=5000,
                            aht_minutes=_money(sum(AHT_BY_CHANNEL[channel]) / 2),
                            sla_response_minutes=Decimal(1),
                        )
                        for channel in ("email", "chat", "phone")
                        if channel not in picked
                    )
            RfqChannel.objects.bulk_create(channels, batch_size=BATCH)
            built.counts["rfqs"] = len(rfqs)
            built.counts["rfq channels"] = len(channels)

        # --- invitations, quotes on the standard template, risk items ------------------------
        with _Timer(built, "quotes", verbose):
            quotes, invitations = [], []
            for i, rfq in enumerate(rfqs):
                per_rfq = 10 if i == 0 else (0 if i == n_rfqs - 1 else 5)
                chosen = rng.sample(vendors, min(len(vendors), per_rfq + 1))
                for j, vendor in enumerate(chosen[:per_rfq]):
                    invitations.append(
                        Invitation(
                            rfq=rfq,
                            vendor=vendor,
                            status=InvitationStatus.VIEWED,
                            invited_by=rfq.owner,
                            viewed_at=now,
                        )
                    )
                    submitted = i < 2 or (rfq.status != RfqStatus.DRAFT and rng.random() < 0.88)
                    quotes.append(_quote(rng, rfq, vendor, submitted, vendor_users, now, j))
                if per_rfq and rng.random() < 0.2 and len(chosen) > per_rfq:
                    invitations.append(
                        Invitation(
                            rfq=rfq,
                            vendor=chosen[per_rfq],
                            status=InvitationStatus.DECLINED,
                            invited_by=rfq.owner,
                            declined_at=now,
                            decline_reason="No capacity for this volume.",
                        )
                    )
            Invitation.objects.bulk_create(invitations, batch_size=BATCH)
            Quote.objects.bulk_create(quotes, batch_size=1000)
            risks = [
                RiskItem(
                    quote=q,
                    name=name,
                    probability_pct=Decimal(rng.choice([5, 10, 15, 20, 30, 40])),
                    impact=_money(rng.choice([1000, 2500, 5000, 10000, 25000, 50000])),
                )
                for q in quotes
                if q.status == QuoteStatus.SUBMITTED
                for name in rng.sample(RISKS, rng.randint(0, 3))
            ]
            RiskItem.objects.bulk_create(risks, batch_size=BATCH)
            awarded = []
            by_rfq: dict[int, list] = {}
            for q in quotes:
                if q.status == QuoteStatus.SUBMITTED:
                    by_rfq.setdefault(q.rfq_id, []).append(q)
            for rfq in rfqs:
                if rfq.status == RfqStatus.AWARDED and by_rfq.get(rfq.pk):
                    rfq.awarded_quote = by_rfq[rfq.pk][0]
                    awarded.append(rfq)
            Rfq.objects.bulk_update(awarded, ["awarded_quote"], batch_size=BATCH)
            built.counts["quotes"] = len(quotes)
            built.counts["submitted quotes"] = sum(
                q.status == QuoteStatus.SUBMITTED for q in quotes
            )
            built.counts["invitations"] = len(invitations)
            built.counts["risk items"] = len(risks)

        # --- pilots: 90 days each, all in the past -------------------------------------------
        with _Timer(built, "pilots", verbose):
            awarded_quotes = [r.awarded_quote for r in awarded]
            pilots = []
            for i in range(n_pilots):
                quote = (
                    awarded_quotes[i % len(awarded_quotes)]
                    if awarded_quotes and i % 2 == 0
                    else None
                )
                vendor = (
                    next(v for v in vendors if v.pk == quote.vendor_id)
                    if quote
                    else rng.choice(vendors)
                )
                # Day 90 is at the latest yesterday; a third ended within the last month.
                start = as_of - timedelta(
                    days=90 + (rng.randint(0, 30) if i % 3 == 0 else rng.randint(31, 400))
                )
                ended_days_ago = (as_of - start).days - 90
                status = (
                    PilotStatus.RUNNING
                    if ended_days_ago <= 30
                    else PilotStatus.DECIDED
                    if ended_days_ago <= 120
                    else PilotStatus.CLOSED
                )
                pilot = PilotFactory.build(
                    vendor=vendor,
                    quote=quote,
                    channel=rng.choice(["email", "chat", "phone"]),
                    start_date=start,
                    length_days=90,
                    status=status,
                    created_by=rng.choice(buyers),
                )
                if status != PilotStatus.RUNNING:
                    pilot.decision = rng.choice(["scale_up", "scale_up", "stop"])
                    pilot.decided_by = pilot.created_by
                    pilot.decided_at = now
                pilots.append(pilot)
            Pilot.objects.bulk_create(pilots, batch_size=BATCH)
            built.counts["pilots"] = len(pilots)
            # Each pilot is followed by one or two managers (as in the app: whoever starts a
            # pilot picks them), so a scorecard goes to 2–3 people, not to every manager.
            managers = [u for u in users if u.role == Role.MANAGER]
            links = [
                Pilot.managers.through(pilot_id=pilot.pk, user_id=manager.pk)
                for pilot in pilots
                for manager in rng.sample(managers, 1 + (pilot.pk % 2))
            ]
            Pilot.managers.through.objects.bulk_create(links, batch_size=BATCH)

        # --- KPI entries: COPY, the factory's "good day" scaled per pilot -------------------
        with _Timer(built, "kpi entries (COPY)", verbose):
            good_day = KpiEntryFactory.build(pilot=pilots[0], entered_by=users[0])
            table = KpiEntry._meta.db_table
            columns = [
                "pilot_id", "day", "tickets", "csat_responses", "csat_positive", "frt_minutes",
                "aht_minutes", "fcr_resolved", "cost", "qa_sampled", "note", "correction_reason", "late",
                "entered_by_id", "created_at", "updated_at",
            ]  # fmt: skip
            rows = 0
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for pilot in pilots:
                    rows += _copy_pilot_days(rng, copy, pilot, good_day, vendor_users, now)
            built.counts["kpi entries (COPY)"] = rows

        # --- contracts: every pilot that scaled up goes on under a 12-month contract ---------
        with _Timer(built, "contracts", verbose):
            from contracts.models import Contract

            contracts = [
                ContractFactory.build(
                    vendor_id=pilot.vendor_id,
                    pilot=pilot,
                    quote=pilot.quote,
                    channel=pilot.channel,
                    start_date=pilot.end_date + timedelta(days=1),
                    months=12,
                    created_by=pilot.created_by,
                )
                for pilot in pilots
                if pilot.decision == "scale_up"
            ]
            Contract.objects.bulk_create(contracts, batch_size=BATCH)
            built.counts["contracts"] = len(contracts)

    with _Timer(built, "analyze", verbose), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return built


def _quote(rng, rfq, vendor, submitted, vendor_users, now, j):
    from procurement.models import Quote, QuoteStatus

    (h_low, h_high), (t_low, t_high) = RATE_BANDS[vendor.region]
    outlier = rng.random() < 0.05  # docs/domain.md §2: flagged as outside the region band
    model = _weighted(
        rng, [("hourly", 0.45), ("per_ticket", 0.25), ("mixed", 0.20), ("subscription", 0.10)]
    )
    hourly = _money(rng.uniform(h_low, h_high) * (1.6 if outlier else 1))
    per_ticket = _money(float(t_low) + rng.random() * float(t_high - t_low))

    def gap(value, blank=None):
        # Each checklist point is left unanswered now and then (docs/domain.md §3: a gap).
        return blank if rng.random() < 0.12 else value

    quote = Quote(
        rfq=rfq,
        vendor=vendor,
        status=QuoteStatus.SUBMITTED if submitted else QuoteStatus.DRAFT,
        revision=rng.randint(1, 3) if submitted else 0,
        submitted_at=now if submitted else None,
        submitted_by=rng.choice(vendor_users[vendor.pk]) if submitted else None,
        pricing_model=model,
        hourly_rate=hourly if model in ("hourly", "mixed") else None,
        per_ticket_rate=per_ticket if model == "per_ticket" else None,
        monthly_fee=_money(rng.uniform(500, 20000)) if model in ("subscription", "mixed") else None,
        agents_offered=rng.choice([None, 2, 4, 8, 15]),
        onboarding_fee=_money(rng.choice([0, 1500, 2000, 5000])),
        # Onboarding hours need a training rate (docs/domain.md §2); until quotes carry their own
        # `onboarding_hourly_rate`, only quotes with an hourly rate state hours. Always drawn,
        # so the rest of the seeded dataset stays the same.
        onboarding_hours_per_agent=_onboarding_hours(rng, hourly_rate=model in ("hourly", "mixed")),
        training_hours_per_agent=gap(Decimal(rng.choice([16, 24, 40]))),
        licences_per_agent_month=_money(rng.uniform(10, 50)),
        integration_one_time=_money(rng.uniform(1000, 10000)),
        api_work_paid_by=gap(rng.choice(["client", "vendor", "shared"]), ""),
        maintenance_paid_by=gap(rng.choice(["client", "vendor", "shared"]), ""),
        management_fee_per_month=_money(rng.choice([0, 250, 400, 800])),
        reporting_frequency=gap(rng.choice(["daily", "weekly", "monthly"]), ""),
        qa_samples_per_month=gap(rng.choice([50, 100, 200])),
        sla_email_response_minutes=gap(Decimal(rng.choice([240, 480]))),
        sla_chat_response_minutes=gap(Decimal(1)),
        sla_phone_response_minutes=gap(Decimal(1)),
        min_availability_pct=gap(Decimal("99.50")),
        penalties=gap("Credit of 5% of the monthly fee per missed SLA.", ""),
        disaster_recovery=gap("Second site within 4 hours.", ""),
        scale_up_days=gap(rng.choice([14, 30, 60])),
        minimum_term_months=gap(rng.choice([6, 12])),
        notice_period_days=gap(rng.choice([30, 60, 90])),
        exit_fee=gap(_money(rng.choice([0, 1500, 3000]))),
        data_return=gap("All data returned as CSV within 30 days.", ""),
        knowledge_base_owner=gap("client", ""),
        escalation_routes=gap("Team lead, then account manager.", ""),
        dpa=gap(True),
        data_location=gap(rng.choice(["EU", "Netherlands", "Philippines"]), ""),
        encryption_at_rest=gap(rng.random() < 0.9),
        encryption_in_transit=gap(True),
        access_levels=gap("Role-based, least privilege.", ""),
        audit_rights=gap(rng.random() < 0.8),
        incident_response_plan=gap(True),
        cert_iso27001=vendor.cert_iso27001,
        cert_soc2=vendor.cert_soc2,
        notes=f"Quote {j + 1}",
    )
    return quote


def _copy_pilot_days(rng, copy, pilot, good_day, vendor_users, now) -> int:
    """One row per day for 90 days around the factory's good day, with a per-pilot quality."""
    quality = rng.random()  # < 0.25: a pilot that misses targets
    scale = rng.choice([1, 2, 5, 10, 25])
    entered_by = [u.pk for u in vendor_users[pilot.vendor_id]]
    csat_rate = 0.74 + 0.22 * quality
    fcr_rate = 0.58 + 0.27 * quality
    for offset in range(pilot.length_days):
        tickets = max(1, round(good_day.tickets * scale * rng.uniform(0.6, 1.4)))
        responses = max(0, round(tickets * rng.uniform(0.3, 0.6)))
        positive = min(responses, round(responses * min(1.0, rng.gauss(csat_rate, 0.05))))
        fcr = min(tickets, round(tickets * min(1.0, rng.gauss(fcr_rate, 0.05))))
        frt = _money(float(good_day.frt_minutes) * rng.uniform(0.5, 2.4 - quality))
        aht = _money(float(good_day.aht_minutes) * rng.uniform(0.8, 1.35 - 0.2 * quality))
        cost = _money(float(good_day.cost) / good_day.tickets * tickets * rng.uniform(0.85, 1.25))
        copy.write_row(
            (
                pilot.pk,
                pilot.start_date + timedelta(days=offset),
                tickets,
                responses,
                max(0, positive),
                frt,
                aht,
                max(0, fcr),
                cost,
                rng.choice([0, 1, 2, 3]),
                "",
                "",
                rng.random() < 0.03,
                rng.choice(entered_by),
                now,
                now,
            )
        )
    return pilot.length_days


# --- handles: the objects the benchmark targets point at, found again by their markers ---


@dataclass
class Handles:
    """Ids the targets need; `load()` finds them in a built database (so --reuse works)."""

    rfq_10: int | None
    rfq_5: int | None
    pilot: int | None
    pilot_day: str | None
    users: dict[str, int]  # role -> a user id (vendor: the pilot's vendor)
    vendor_other_pilot: int | None  # another vendor's pilot (404 for the vendor)
    contract: int | None = None  # a contract (from a pilot that scaled up)
    decision_day: int = 60  # the 90-day pilots' decision checkpoint (docs/domain.md §5)

    @classmethod
    def load(cls) -> Handles:
        from accounts.models import Role, User
        from pilots.models import Pilot
        from procurement.models import Rfq

        rfq_10 = Rfq.objects.filter(reference="BENCH-00001").values_list("pk", flat=True).first()
        rfq_5 = Rfq.objects.filter(reference="BENCH-00002").values_list("pk", flat=True).first()
        pilot = Pilot.objects.order_by("pk").first()
        users = {}
        for role in (Role.PROCUREMENT, Role.MANAGER, Role.ADMIN):
            users[role] = (
                User.objects.filter(role=role).order_by("pk").values_list("pk", flat=True).first()
            )
        if pilot is not None:
            users[Role.VENDOR] = (
                User.objects.filter(vendor_id=pilot.vendor_id)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        other = (
            Pilot.objects.exclude(vendor_id=pilot.vendor_id)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
            if pilot
            else None
        )
        from contracts.models import Contract

        contract = Contract.objects.order_by("pk").values_list("pk", flat=True).first()
        return cls(
            contract=contract,
            rfq_10=rfq_10,
            rfq_5=rfq_5,
            pilot=pilot.pk if pilot else None,
            pilot_day=(pilot.start_date + timedelta(days=44)).isoformat() if pilot else None,
            users=users,
            vendor_other_pilot=other,
        )


def main() -> None:
    from benchmarks import support

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="vp_bench_data", help="throwaway database (vp_bench*)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    url = support.recreate_database(args.db)
    support.setup_django(url)
    print(f"database {args.db}: migrating ({support.migrate():.1f} s)")
    built = build(scale=args.scale, seed=args.seed)
    print(f"built in {sum(built.seconds.values()):.1f} s; {TEST_PASSWORD_NOTE}")


if __name__ == "__main__":
    main()
