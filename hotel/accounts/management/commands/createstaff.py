import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hotel.accounts import roles
from hotel.accounts.services import staff_create
from hotel.errors import DomainError


class Command(BaseCommand):
    help = "Create a staff account (stored in DynamoDB). Prompts for the password if not given."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", choices=roles.ROLES, default=roles.MANAGER)
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--password",
            help="Avoid on shared machines (shell history); omit to be prompted, "
            "or set HOTEL_STAFF_PASSWORD.",
        )

    def handle(self, *args, **options):
        password = options["password"] or os.environ.get("HOTEL_STAFF_PASSWORD")
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError("No password: pass --password or set HOTEL_STAFF_PASSWORD.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            user = staff_create(
                email=options["email"],
                password=password,
                role=options["role"],
                full_name=options["name"],
                actor="createstaff",
                now=timezone.now(),
            )
        except DomainError as exc:
            fields = exc.details.get("fields", {})
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
            raise CommandError(f"{exc.message} {detail}".strip()) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.role} {user.email}."))
