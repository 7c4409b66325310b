"""The living demo for `make run`: a second dealership, Lakeview Auto Group, with 90 days of history
that reads like a real store (paid, partly paid, failed-then-paid, expired and cancelled requests,
refunds, one open dispute, weekly payouts, most payments reconciled), customers in three languages.

It lives in payments (organizations/teams/customers never import payments). Idempotent: a second
run finds the dealership and changes nothing. The history is written straight to the database,
dated in the past; `--connect` (run by scripts/devserver.py once the server answers) connects the
dealership to the local Stripe sandbox through the gateway, so what a newcomer does today (send a
request, pay it, refund it, dispute it, pay out) goes through the sandbox like any payment.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from organizations.models import Organization, Role, User
from payments.fees import application_fee_for
from payments.models import (
    Payment,
    PaymentRequest,
    PaymentRequestEvent,
    Payout,
    ReceiptCounter,
    Refund,
    StripeAccount,
)
from payments.receipts import organization_receipt_prefix, receipt_number_format
from payments.refunds.services import refund_application_fee_rule, refund_fee_back_minor
from teams.models import Team

ORG_NAME = "Lakeview Auto Group"
PASSWORD = "demo-pass-123"
DAYS = 90
SEED = 17
PEOPLE = [
    ("admin@lakeview.textpay.local", "Dana Whitfield", Role.ADMIN, "+13125550201", []),
    ("manager@lakeview.textpay.local", "Priya Raman", Role.MANAGER, "+13125550202", ["Service", "Sales"]),
    ("advisor@lakeview.textpay.local", "Marcus Bell", Role.ADVISOR, "+13125550203", ["Service"]),
    ("sales@lakeview.textpay.local", "Sofía Castillo", Role.ADVISOR, "+13125550204", ["Sales"]),
]
CUSTOMERS = [
    ("Jordan Rivera", "en"), ("Emily Chen", "en"), ("Michael O'Brien", "en"), ("Aisha Johnson", "en"),
    ("Tyler Brooks", "en"), ("Hannah Schultz", "en"), ("Kevin Nguyen", "en"), ("Rachel Green", "en"),
    ("Camille Tremblay", "fr"), ("Étienne Gagnon", "fr"), ("Chloé Lefebvre", "fr"), ("Mathieu Roy", "fr"),
    ("Lucía Fernández", "es"), ("José Martínez", "es"), ("Valentina Ruiz", "es"), ("Diego Herrera", "es"),
    ("Samuel Okafor", "en"), ("Grace Kim", "en"), ("Owen Patel", "en"), ("Natalie Brooks", "en"),
]  # fmt: skip
SERVICE_JOBS = [
    ("Brake pads and rotors", 48_950), ("Oil change and tire rotation", 8_995),
    ("60k mile service", 62_500), ("Transmission fluid service", 24_900), ("Battery replacement", 21_475),
    ("Alignment and 4 tires", 112_080), ("A/C recharge", 17_950), ("Water pump replacement", 86_400),
]  # fmt: skip
SALES_JOBS = [("Vehicle deposit", 100_000), ("Down payment", 350_000), ("Extended warranty", 189_500)]


class Command(BaseCommand):
    help = "Create (or reuse) the living demo dealership with 90 days of payment history."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=settings.SITE_URL, help="Printed as the address to open.")
        parser.add_argument(
            "--connect", action="store_true", help="Connect it to the running Stripe sandbox (make run)."
        )

    def handle(self, *args, site_url, connect, **options):
        started = time.monotonic()
        org = Organization.objects.filter(name=ORG_NAME).first()
        created = org is None
        if created:
            org = _load(now=timezone.now())
        if connect:
            _connect(org, stdout=self.stdout)
        out = self.stdout.write
        out(self.style.SUCCESS(f"Living demo {'created' if created else 'ready'}: {org.name}"))
        out(f"  {Payment.objects.filter(organization=org).count()} payments over {DAYS} days, loaded in "
            f"{time.monotonic() - started:.1f} s" if created else f"  Open {site_url.rstrip('/')}/")  # fmt: skip
        out(f"  Logins    (password for all: {PASSWORD})")
        for email, _name, role, _phone, teams in PEOPLE:
            out(f"    {Role(role).label:<8} {email}" + (f" — teams: {', '.join(teams)}" if teams else ""))
        out("")


def _connect(org: Organization, *, stdout) -> None:
    """Give the demo's StripeAccount a real account in the sandbox (onboarding completed)."""
    from payments import gateway
    from payments.accounts.services import stripe_account_refresh

    account = StripeAccount.objects.get(organization=org)
    try:
        gateway.account_retrieve(account_id=account.stripe_id)
        return  # already known to the sandbox (its state is kept under var/)
    except gateway.GatewayError:
        pass
    info = gateway.account_create(
        country="US",
        email="owner@lakeview.example",
        business_name=org.name,
        business_url="https://lakeview.example",
        support_phone=str(org.support_phone),
        support_email=org.support_email,
        address={
            "line1": org.address_line1,
            "city": org.city,
            "state": org.state,
            "postal_code": org.postal_code,
            "country": "US",
        },  # fmt: skip
        idempotency_key=f"demo-account-{org.pk}",
    )
    _sandbox_control(f"/_sandbox/accounts/{info.id}/complete_onboarding")
    StripeAccount.objects.filter(pk=account.pk).update(stripe_id=info.id)
    account.refresh_from_db()
    stripe_account_refresh(stripe_account=account)
    stdout.write(f"  Connected to the Stripe sandbox as {info.id}")


def _sandbox_control(path: str) -> None:
    """The sandbox's own control API (development only: no STRIPE_SECRET_KEY), like its tools page."""
    import urllib.request

    from payments.gateway import consts

    if settings.STRIPE_SECRET_KEY:
        raise RuntimeError("--connect is for the local Stripe sandbox only (STRIPE_SECRET_KEY is set)")
    url = settings.SITE_URL.rstrip("/") + consts.SANDBOX_PATH + path
    request = urllib.request.Request(
        url, data=b"", method="POST", headers={"Authorization": f"Bearer {consts.SANDBOX_SECRET_KEY}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@transaction.atomic
def _load(*, now: datetime) -> Organization:
    rng = random.Random(SEED)
    org = Organization.objects.create(
        name=ORG_NAME, country="US", currency="USD", time_zone="America/Chicago",
        legal_name="Lakeview Auto Group Inc.", address_line1="2400 N Lincoln Ave", city="Chicago", state="IL",
        postal_code="60614", support_phone="+13125550200", support_email="service@lakeview.example",
        website="https://lakeview.example",
    )  # fmt: skip
    teams = {
        n: Team.objects.create(organization=org, name=n, payments_enabled=True) for n in ("Service", "Sales")
    }
    users = {}
    password_hash = make_password(PASSWORD)
    for email, name, role, phone, team_names in PEOPLE:
        # One password hash for the four (PBKDF2 costs ~0.5 s a hash on a small machine).
        users[email] = User.objects.create_user(
            email, None, name=name, role=role, phone=phone, organization=org
        )
        users[email].password = password_hash
        users[email].save(update_fields=["password"])
        users[email].teams.set([teams[t] for t in team_names])
    manager = users["manager@lakeview.textpay.local"]
    advisors = {
        "Service": users["advisor@lakeview.textpay.local"],
        "Sales": users["sales@lakeview.textpay.local"],
    }
    account = StripeAccount.objects.create(
        organization=org, stripe_id=f"acct_demo{org.pk:06d}lakeview", country="US", default_currency="usd",
        charges_enabled=True, payouts_enabled=True, details_submitted=True, payout_interval="weekly",
        payout_weekly_anchor="monday", display_name=ORG_NAME, authorized_by=users["admin@lakeview.textpay.local"],
        authorized_at=now - timedelta(days=DAYS + 3),
    )  # fmt: skip
    Team.objects.filter(organization=org).update(stripe_account=account)
    customers = Customer.objects.bulk_create(
        Customer(organization=org, name=name, preferred_language=lang, phone=f"+1312555{300 + i:04d}",
                 email=f"{name.split()[0].lower().replace('é', 'e').replace('í', 'i')}{i}@example.com")
        for i, (name, lang) in enumerate(CUSTOMERS)
    )  # fmt: skip
    zone = ZoneInfo(org.time_zone)
    history = _History(org=org, account=account, manager=manager, rng=rng, now=now)
    for day in range(DAYS, -1, -1):
        date = (now - timedelta(days=day)).astimezone(zone).date()
        for _ in range(rng.choice((2, 3, 3, 4, 5)) if date.weekday() < 6 else 1):
            team = "Sales" if rng.random() < 0.2 else "Service"
            when = datetime(
                date.year, date.month, date.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=zone
            )
            if when > now - timedelta(minutes=30):
                continue
            history.request(team=teams[team], advisor=advisors[team], customer=rng.choice(customers), sent=when,
                            jobs=SALES_JOBS if team == "Sales" else SERVICE_JOBS)  # fmt: skip
    history.save()
    return org


class _History:
    """Builds rows in memory, then writes them in a few bulk statements (the demo loads in seconds)."""

    def __init__(self, *, org, account, manager, rng, now):
        self.org, self.account, self.manager, self.rng, self.now = org, account, manager, rng, now
        self.requests: list[PaymentRequest] = []
        self.payments: list[tuple[PaymentRequest, Payment]] = []
        self.refunds: list[tuple[Payment, Refund]] = []
        self.events: list[tuple[PaymentRequest, Payment | None, dict]] = []
        self.n = 0

    def request(self, *, team, advisor, customer, sent, jobs):
        rng = self.rng
        self.n += 1
        description, base = rng.choice(jobs)
        amount = base + rng.randint(0, 40) * 25
        open_now = sent > self.now - timedelta(hours=24)
        roll = rng.random()
        outcome = (
            "open" if open_now and roll < 0.5 else "paid" if roll < 0.62 else "partial" if roll < 0.7
            else "failed_then_paid" if roll < 0.78 else "expired" if roll < 0.9 else "cancelled"
        )  # fmt: skip
        pr = PaymentRequest(
            organization=self.org, team=team, customer=customer, created_by=advisor, stripe_account=self.account,
            amount_minor=amount, currency="USD", description=description, reference=f"RO-{24000 + self.n}",
            channel=rng.choice(("sms", "sms", "both", "email")), allow_partial=outcome == "partial",
            status="sent", sent_at=sent, expires_at=sent + timedelta(hours=24),
        )  # fmt: skip
        pr._when = sent
        self.requests.append(pr)
        self.event(pr, None, "created", sent, "", "created", advisor)
        self.event(pr, None, "sent", sent, "created", "sent", advisor)
        opened = sent + timedelta(minutes=rng.randint(2, 300))
        if outcome == "open":
            if opened < self.now:
                pr.status, pr.opened_at = "opened", opened
                self.event(pr, None, "opened", opened, "sent", "opened", None)
            return
        if outcome in ("expired", "cancelled"):
            if outcome == "expired":
                pr.status, pr.expired_at = "expired", pr.expires_at
                self.event(pr, None, "expired", pr.expires_at, "sent", "expired", None)
            else:
                pr.status, pr.cancelled_at = "cancelled", sent + timedelta(hours=rng.randint(1, 6))
                self.event(pr, None, "cancelled", pr.cancelled_at, "sent", "cancelled", advisor)
            return
        pr.status, pr.opened_at = "opened", opened
        self.event(pr, None, "opened", opened, "sent", "opened", None)
        paid_at = opened + timedelta(minutes=rng.randint(1, 20))
        if outcome == "failed_then_paid":
            self.payment(pr, amount, opened + timedelta(minutes=1), failed=True)
        if outcome == "partial":
            part = (amount // 2 // 100) * 100
            self.payment(pr, part, paid_at)
            pr.status, pr.amount_paid_minor = "expired", part
            pr.expired_at = pr.expires_at
            self.event(pr, None, "expired", pr.expires_at, "partially_paid", "expired", None)
            return
        payment = self.payment(pr, amount, paid_at)
        pr.status, pr.amount_paid_minor, pr.paid_at = "paid", amount, paid_at
        if rng.random() < 0.06:  # a refund, full or part, a few days later
            self.refund(payment, amount if rng.random() < 0.5 else amount // 4, paid_at + timedelta(days=2))

    def payment(self, pr, amount, when, *, failed=False):
        rng, n = self.rng, len(self.payments) + 1
        afterpay = not failed and amount >= 10_000 and rng.random() < 0.12
        brand = rng.choice(("visa", "visa", "mastercard", "amex", "discover"))
        payment = Payment(
            organization=self.org, team=pr.team, payment_request=pr, customer=pr.customer, advisor=pr.created_by,
            stripe_account=self.account, stripe_payment_intent_id=f"pi_demo{self.org.pk:04d}{n:06d}",
            stripe_charge_id=f"ch_demo{self.org.pk:04d}{n:06d}", reference=pr.reference, amount_minor=amount,
            currency="USD", fee_minor=0 if failed else application_fee_for(organization=self.org, amount_minor=amount),
            status="failed" if failed else "succeeded", method="afterpay_clearpay" if afterpay else "card",
            card_brand="" if afterpay else brand, card_last4="" if afterpay else f"{rng.randint(1000, 9999)}",
            card_funding="" if afterpay else rng.choice(("credit", "debit")),
            failure_code="card_declined" if failed else "", failure_message="Your card was declined." if failed else "",
            request_status="paid", request_amount_minor=pr.amount_minor, occurred_at=when,
        )  # fmt: skip
        if not failed and when < self.now - timedelta(days=10) and rng.random() < 0.92:
            payment.reconciled_at, payment.reconciled_by = (
                when + timedelta(days=rng.randint(3, 9)),
                self.manager,
            )
            payment.dms_document_number = f"INV-{80000 + n}" if rng.random() < 0.7 else ""
        self.payments.append((pr, payment))
        kind = "attempt_failed" if failed else "payment_succeeded"
        message = (
            "Your card was declined." if failed else f"Paid {amount / 100:,.2f}".replace("Paid ", "Paid $")
        )
        self.event(pr, payment, kind, when, "opened", "opened" if failed else "paid", None, message)
        return payment

    def refund(self, payment, amount, when):
        refund = Refund(
            organization=self.org, payment=payment, amount_minor=amount, currency="USD", status="succeeded",
            stripe_refund_id=f"re_demo{self.org.pk:04d}{len(self.refunds) + 1:06d}", created_by=self.manager,
            note="Customer changed the appointment",
        )  # fmt: skip
        refund._when = when
        # The platform's rule on the fee (settings.PLATFORM_REFUND_APPLICATION_FEE), as Stripe applies it.
        refund.refund_application_fee = refund_application_fee_rule(payment=payment)
        refund.fee_refunded_minor = refund_fee_back_minor(payment=payment, amount_minor=amount)
        payment.fee_refunded_minor = refund.fee_refunded_minor
        payment.refunded_minor = amount
        payment.status = "refunded" if amount >= payment.amount_minor else "partially_refunded"
        self.refunds.append((payment, refund))
        self.event(payment.payment_request, payment, "refunded", when, "paid", "paid", self.manager,
                   f"Refunded ${amount / 100:,.2f}")  # fmt: skip
        if refund.fee_refunded_minor:
            self.event(payment.payment_request, payment, "fee_refunded", when, "", "", None,
                       f"Platform fee of ${refund.fee_refunded_minor / 100:,.2f} given back with the refund")  # fmt: skip

    def event(self, pr, payment, kind, when, from_status, to_status, actor, message=""):
        self.events.append((pr, payment, dict(kind=kind, when=when, from_status=from_status,
                                              to_status=to_status, actor=actor, message=message)))  # fmt: skip

    def save(self):
        PaymentRequest.objects.bulk_create(self.requests, batch_size=500)
        for pr, payment in self.payments:
            payment.payment_request = pr
            payment.request_status = pr.status
        # The one open dispute: a recent card payment.
        card = [p for _pr, p in self.payments if p.status == "succeeded" and p.method == "card"]
        disputed = card[-6]
        disputed.status, disputed.dispute_status, disputed.reconciled_at = "disputed", "needs_response", None
        self._receipt_numbers()
        Payment.objects.bulk_create([p for _pr, p in self.payments], batch_size=500)
        for payment, refund in self.refunds:
            refund.payment = payment
        Refund.objects.bulk_create([r for _p, r in self.refunds], batch_size=500)
        self._payouts()
        rows = [
            PaymentRequestEvent(organization=self.org, payment_request=pr, payment=payment,
                                actor_label=(e["actor"].name if e["actor"] else "customer" if e["kind"] == "opened"
                                             else "stripe"), kind=e["kind"], from_status=e["from_status"],
                                to_status=e["to_status"], actor=e["actor"], message=e["message"])
            for pr, payment, e in self.events
        ]  # fmt: skip
        PaymentRequestEvent.objects.bulk_create(rows, batch_size=1000)
        # auto_now_add stamped today on every row: put the history back in its days.
        for row, (_pr, _payment, e) in zip(rows, self.events, strict=True):
            row._when = e["when"]
        for model, objs in ((PaymentRequest, self.requests), (Refund, [r for _p, r in self.refunds]),
                            (PaymentRequestEvent, rows)):  # fmt: skip
            for obj in objs:
                obj.created_at = obj._when
            model.objects.bulk_update(objs, ["created_at"], batch_size=500)

    def _receipt_numbers(self):
        """Each payment that moved money gets its receipt number in order (payments/receipts.py)."""
        prefix = organization_receipt_prefix(organization=self.org)
        zone, last = ZoneInfo(self.org.time_zone), {}
        for _pr, payment in sorted(self.payments, key=lambda item: item[1].occurred_at):
            if payment.status != "failed":
                year = payment.occurred_at.astimezone(zone).year
                last[year] = last.get(year, 0) + 1
                payment.receipt_number = receipt_number_format(prefix=prefix, year=year, number=last[year])
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(organization=self.org, year=y, last_number=n) for y, n in last.items()]
        )

    def _payouts(self):
        """Weekly payouts (Mondays): each pays out the week's payments less fees and refunds."""
        week: dict = {}
        for _pr, payment in self.payments:
            if payment.status != "failed":
                monday = (payment.occurred_at + timedelta(days=7 - payment.occurred_at.weekday())).date()
                if monday < self.now.date():
                    week.setdefault(monday, []).append(payment)
        for i, (monday, payments) in enumerate(sorted(week.items())):
            refunds = [r for p, r in self.refunds if p in payments]
            arrival = monday + timedelta(days=2)
            amount = sum(p.amount_minor - p.fee_minor for p in payments) - sum(
                r.amount_minor - r.fee_refunded_minor for r in refunds
            )
            payout = Payout.objects.create(
                organization=self.org, stripe_account=self.account, stripe_payout_id=f"po_demo{self.org.pk:04d}{i:04d}",
                amount_minor=amount, currency="USD", status="paid" if arrival <= self.now.date() else "in_transit",
                arrival_date=arrival, notified_status="paid" if arrival <= self.now.date() else "",
            )  # fmt: skip
            Payment.objects.filter(pk__in=[p.pk for p in payments]).update(payout=payout)
            Refund.objects.filter(pk__in=[r.pk for r in refunds]).update(payout=payout)
