"""factory_boy factories shared by all tests. Add new ones here (keep one per model)."""

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
