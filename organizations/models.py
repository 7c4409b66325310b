import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Country(models.TextChoices):
    US = "US", _("United States")
    CA = "CA", _("Canada")


class Currency(models.TextChoices):
    USD = "USD", _("US dollar")
    CAD = "CAD", _("Canadian dollar")


CURRENCY_OF_COUNTRY = {Country.US: Currency.USD, Country.CA: Currency.CAD}

# Each language named in itself (settings.LANGUAGES); staff pages come in the first three.
LANGUAGE_CHOICES = list(settings.LANGUAGES)
STAFF_LANGUAGE_CHOICES = LANGUAGE_CHOICES[:3]


RECEIPT_PREFIX_RE = r"^[A-Z0-9]{2,6}$"


def receipt_prefix_from_name(name: str) -> str:
    """ "Maple Ridge Motors" -> "MRM"; "Lakeview" -> "LAK": the initials of the name's first three
    words (letters and digits only, accents dropped), or the first three letters of a one-word
    name; "TP" when nothing is left."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().upper()
    words = [
        w
        for w in re.split(r"[^A-Z0-9]+", plain)
        if w and w not in {"THE", "AND", "OF", "LE", "LA", "LES", "DE", "DU", "DES", "ET"}
    ]
    if len(words) >= 2:
        prefix = "".join(w[0] for w in words[:3])
    else:
        prefix = words[0][:3] if words else ""
    return prefix if len(prefix) >= 2 else (prefix + "TP")[:3] if prefix else "TP"


class Organization(models.Model):
    """A dealership."""

    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.US)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    # Customers without a preferred language, and staff without a profile language, get this one;
    # blank = French (Canada) in Quebec, English elsewhere (core.i18n.organization_language).
    default_language = models.CharField(max_length=5, choices=LANGUAGE_CHOICES, blank=True)
    # The receipts' prefix: MRM in MRM-2026-000123 (payments/receipts.py). Blank = derived from the
    # name at the first receipt (receipt_prefix_from_name) and kept; an Admin may change it.
    receipt_prefix = models.CharField(max_length=6, blank=True)

    # Business details Stripe onboarding asks for.
    legal_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField("state / province", max_length=50, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    support_phone = PhoneNumberField(blank=True)
    support_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)

    # Payment settings (None = platform default from settings).
    max_payment_minor = models.PositiveBigIntegerField(default=5_000_000)
    fee_basis_points = models.PositiveIntegerField(null=True, blank=True)
    fee_fixed_minor = models.PositiveIntegerField(null=True, blank=True)
    sms_template = models.TextField(blank=True)
    email_template = models.TextField(blank=True)
    # The dealership's own templates per customer language: {"fr": {"sms": "...", "email": "..."}}.
    # sms_template/email_template above are its default language's (payments/requests/messages.py).
    message_templates = models.JSONField(default=dict, blank=True)
    reminders_enabled = models.BooleanField(default=True)
    reminder_hours_before_expiry = models.PositiveSmallIntegerField(default=4)
    # Payment requests one customer may be sent (payments/requests/caps.py).
    max_requests_per_customer_hour = models.PositiveSmallIntegerField(default=5)
    max_requests_per_customer_day = models.PositiveSmallIntegerField(default=10)

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    ADVISOR = "advisor", _("Advisor")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person at a dealership. `organization` is empty only for platform operators (Django admin)."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    phone = PhoneNumberField(blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ADVISOR)
    # The staff interface's language; blank = the organization's default.
    language = models.CharField(max_length=5, choices=STAFF_LANGUAGE_CHOICES, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self):
        return self.name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_advisor(self) -> bool:
        return self.role == Role.ADVISOR


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def _invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = PhoneNumberField(blank=True)
    role = models.CharField(max_length=10, choices=Role.choices)
    teams = models.ManyToManyField("teams.Team", blank=True, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"Invitation for {self.email}"


class ApiScope(models.TextChoices):
    """What an API token may do, chosen by the Admin; organizations/permissions.py checks them, on
    top of the acting user's own role rules."""

    READ = "read", "Read customers, requests, payments, refunds, payouts, reconciliation files"
    REQUEST_PAYMENTS = "request_payments", "Create customers and payment requests, cancel and resend them"
    REFUND = "refund", "Refund payments"
    RECONCILE = "reconcile", "Mark payments reconciled (and undo)"
    CHARGE_SAVED_CARDS = (
        "charge_saved_cards",
        "Charge customers' saved cards and set up installment plans (money moves without the customer acting)",
    )


def default_api_scopes() -> list[str]:
    """What a token could do before scopes existed."""
    return [ApiScope.READ, ApiScope.REQUEST_PAYMENTS]


class ApiToken(models.Model):
    """An organization-scoped API token. Only a SHA-256 of the secret is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    acting_user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="Requests made with the token act as this user (for permissions and history).",
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    scopes = models.JSONField(default=default_api_scopes, help_text="ApiScope values")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
