"""Demo users for `seed_demo`: one per role, and one user for each demo vendor."""

from accounts.models import Role, User
from accounts.services import user_create_or_update

DEMO_PASSWORD = "demo-pass-2026"

DEMO_VENDORS = {
    # vendor name: (region, country, user e-mail)
    "Lisbon Contact Partners": ("nearshore", "Portugal", "vendor@lisbon.example"),
    "Manila Care Services": ("offshore", "Philippines", "vendor@manila.example"),
    "Utrecht Klantcontact": ("onshore", "Netherlands", "vendor@utrecht.example"),
}


def seed_accounts() -> dict[str, User]:
    from procurement.models import Vendor

    cast = {}
    for key, email, role in (
        ("procurement", "procurement@demo.example", Role.PROCUREMENT),
        ("manager", "manager@demo.example", Role.MANAGER),
        ("admin", "admin@demo.example", Role.ADMIN),
    ):
        cast[key], _ = user_create_or_update(email=email, role=role, password=DEMO_PASSWORD)
    for name, (region, country, email) in DEMO_VENDORS.items():
        Vendor.objects.update_or_create(
            name=name, defaults={"region": region, "country": country, "contact_email": email}
        )
        cast[f"vendor:{name}"], _ = user_create_or_update(
            email=email, role=Role.VENDOR, vendor_name=name, password=DEMO_PASSWORD
        )
    return cast
