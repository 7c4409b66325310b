"""A demo dealership for `make run`. Idempotent: running it again reuses what exists."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from customers.models import Customer, Opportunity
from organizations.models import Organization, Role, User
from teams.models import Team

DEMO_PASSWORD = "demo-pass-123"
DEMO_ORG = "Maple Ridge Motors"

PEOPLE = [
    ("admin@demo.textpay.local", "Alex Admin", Role.ADMIN, "+13125550101", []),
    ("manager@demo.textpay.local", "Morgan Manager", Role.MANAGER, "+13125550102", ["Service", "Sales"]),
    ("advisor@demo.textpay.local", "Avery Advisor", Role.ADVISOR, "+13125550103", ["Service"]),
]
TEAMS = [("Service", True), ("Sales", False)]
CUSTOMERS = [
    (
        "Jordan Rivera",
        "+13125550142",
        "jordan.rivera@example.com",
        "en",
        [("2021 Civic brake service", "RO-10442")],
    ),
    (
        "Camille Tremblay",
        "+15145550177",
        "camille.tremblay@example.com",
        "fr",
        [("2024 RAV4 purchase", "DEAL-2291")],
    ),
    ("Sam Okafor", "+13125550188", "sam.okafor@example.com", "en", []),
    ("Lucía Fernández", "+17735550123", "", "es", [("Oil change + tires", "RO-10458")]),
]


class Command(BaseCommand):
    help = (
        "Create (or reuse) a demo dealership with an admin, a manager, an advisor, two teams and customers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=settings.SITE_URL, help="Printed as the address to open.")

    @transaction.atomic
    def handle(self, *args, site_url, **options):
        org, created = Organization.objects.get_or_create(
            name=DEMO_ORG,
            defaults={
                "country": "US",
                "currency": "USD",
                "time_zone": "America/Chicago",
                "legal_name": "Maple Ridge Motors LLC",
                "address_line1": "1200 W Lake St",
                "city": "Chicago",
                "state": "IL",
                "postal_code": "60607",
                "support_phone": "+13125550100",
                "support_email": "service@mapleridge.example",
                "website": "https://mapleridge.example",
            },
        )
        teams = {}
        for name, payments_enabled in TEAMS:
            teams[name], _ = Team.objects.get_or_create(
                organization=org, name=name, defaults={"payments_enabled": payments_enabled}
            )
        for email, name, role, phone, team_names in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, DEMO_PASSWORD, name=name, role=role, phone=phone, organization=org
                )
                user.teams.set([teams[t] for t in team_names])
        for name, phone, email, language, opportunities in CUSTOMERS:
            customer, _ = Customer.objects.get_or_create(
                organization=org,
                name=name,
                defaults={"phone": phone, "email": email, "preferred_language": language},
            )
            for title, reference in opportunities:
                Opportunity.objects.get_or_create(
                    organization=org, customer=customer, reference=reference, defaults={"title": title}
                )

        site_url = site_url.rstrip("/")
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"Demo dealership {'created' if created else 'ready'}: {org.name}"))
        out(f"  Open      {site_url}/")
        out(f"  Outbox    {site_url}/dev/outbox/   (every SMS and email the app sends)")
        out(f"  Logins    (password for all: {DEMO_PASSWORD})")
        for email, _name, role, _phone, team_names in PEOPLE:
            teams_text = f" — teams: {', '.join(team_names)}" if team_names else ""
            out(f"    {Role(role).label:<8} {email}{teams_text}")
        teams_line = ", ".join(
            f"{team.name} (payments {'on' if team.payments_enabled else 'off'})"
            for team in Team.objects.filter(organization=org).order_by("-payments_enabled", "name")
        )
        out(f"  Teams     {teams_line}")  # as they are now: a second run keeps what was changed
        out("")
