"""Demo users for `seed_demo`: one per internal role. Vendor users come with their vendors
(`procurement.demo.seed_cast`)."""

from accounts.models import Role, User
from accounts.services import user_create_or_update

DEMO_PASSWORD = "demo-pass-2026"


def seed_accounts() -> dict[str, User]:
    cast = {}
    for key, email, role in (
        ("procurement", "procurement@demo.example", Role.PROCUREMENT),
        ("manager", "manager@demo.example", Role.MANAGER),
        ("admin", "admin@demo.example", Role.ADMIN),
    ):
        cast[key], _ = user_create_or_update(email=email, role=role, password=DEMO_PASSWORD)
    return cast
