from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role
from accounts.services import api_token_issue, user_create_or_update
from procurement.services import vendor_find_or_create


class Command(BaseCommand):
    help = "Create or update a user (docs/api.md). With --api-token, print a new token alone on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--vendor", help="The vendor organisation (required for role vendor).")
        parser.add_argument("--password")
        parser.add_argument("--api-token", action="store_true", help="Issue a new API token.")

    def handle(
        self,
        *args,
        email: str,
        role: str,
        vendor: str | None,
        password: str | None,
        api_token: bool,
        **options,
    ) -> None:
        try:
            with transaction.atomic():
                organisation = None
                if vendor and role == Role.VENDOR:
                    organisation = vendor_find_or_create(name=vendor, contact_email=email)
                elif vendor:
                    raise ValidationError({"vendor": "Only vendor users belong to a vendor."})
                user, created = user_create_or_update(
                    email=email, role=role, vendor=organisation, password=password
                )
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(messages) from exc
        verb = "Created" if created else "Updated"
        vendor_note = f" of {user.vendor.name}" if user.vendor else ""
        self.stdout.write(f"{verb} {user.email} ({user.get_role_display()}{vendor_note}).")
        if api_token:
            _token, raw = api_token_issue(user=user, name="adduser")
            self.stdout.write(raw)
