"""factory_boy factories shared by all tests. Add new ones here (keep one per model)."""

from datetime import timedelta

import factory
from django.utils import timezone

from customers.models import Customer, Opportunity
from organizations.models import Organization, Role, User
from teams.models import Team


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Dealer {n} Motors")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} LLC")
    country = "US"
    currency = "USD"
    time_zone = "America/Chicago"
    address_line1 = "100 Main St"
    city = "Springfield"
    state = "IL"
    postal_code = "62701"
    support_email = "service@example.com"
    support_phone = "+12175550100"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.ADVISOR
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")
    date_joined = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.add(*extracted)
        if create:
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    payments_enabled = True


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"+1312555{n % 10000:04d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.net")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    organization = factory.LazyAttribute(lambda o: o.customer.organization)
    title = factory.Sequence(lambda n: f"2025 Pickup deal {n}")
    reference = factory.Sequence(lambda n: f"DEAL-{n:05d}")


# --- payments -------------------------------------------------------------------------------
class StripeAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.StripeAccount"

    organization = factory.SubFactory(OrganizationFactory)
    stripe_id = factory.Sequence(lambda n: f"acct_test{n:010d}")
    country = factory.LazyAttribute(lambda o: o.organization.country)
    default_currency = factory.LazyAttribute(lambda o: o.organization.currency.lower())
    charges_enabled = True
    payouts_enabled = True
    details_submitted = True


class PaymentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.PaymentRequest"

    organization = factory.SubFactory(OrganizationFactory)
    team = factory.SubFactory(TeamFactory, organization=factory.SelfAttribute("..organization"))
    customer = factory.SubFactory(CustomerFactory, organization=factory.SelfAttribute("..organization"))
    created_by = factory.SubFactory(UserFactory, organization=factory.SelfAttribute("..organization"))
    stripe_account = factory.SubFactory(
        StripeAccountFactory, organization=factory.SelfAttribute("..organization")
    )
    amount_minor = 12_550
    currency = factory.LazyAttribute(lambda o: o.organization.currency)
    description = "Brake service"
    reference = factory.Sequence(lambda n: f"RO-{n:06d}")
    channel = "sms"
    status = "sent"
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Payment"

    payment_request = factory.SubFactory(PaymentRequestFactory, status="paid")
    organization = factory.LazyAttribute(lambda o: o.payment_request.organization)
    team = factory.LazyAttribute(lambda o: o.payment_request.team)
    customer = factory.LazyAttribute(lambda o: o.payment_request.customer)
    advisor = factory.LazyAttribute(lambda o: o.payment_request.created_by)
    stripe_account = factory.LazyAttribute(lambda o: o.payment_request.stripe_account)
    stripe_payment_intent_id = factory.Sequence(lambda n: f"pi_test{n:012d}")
    stripe_charge_id = factory.Sequence(lambda n: f"ch_test{n:012d}")
    reference = factory.LazyAttribute(lambda o: o.payment_request.reference)
    request_status = factory.LazyAttribute(lambda o: o.payment_request.status)
    request_amount_minor = factory.LazyAttribute(lambda o: o.payment_request.amount_minor)
    amount_minor = factory.LazyAttribute(lambda o: o.payment_request.amount_minor)
    currency = factory.LazyAttribute(lambda o: o.payment_request.currency)
    fee_minor = factory.LazyAttribute(lambda o: (o.amount_minor * 325 + 5000) // 10000 + 30)
    status = "succeeded"
    method = "card"
    card_brand = "visa"
    card_last4 = "4242"
    card_funding = "credit"
    occurred_at = factory.LazyFunction(timezone.now)
