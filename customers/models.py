from django.db import models
from phonenumber_field.modelfields import PhoneNumberField


class Language(models.TextChoices):
    """The customer surfaces' languages (settings.LANGUAGES), each named in itself."""

    EN = "en", "English"
    FR = "fr", "Français"
    FR_CA = "fr-ca", "Français (Canada)"
    DE = "de", "Deutsch"
    ES = "es", "Español"
    IT = "it", "Italiano"
    PL = "pl", "Polski"
    PT_BR = "pt-br", "Português (Brasil)"


class Customer(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="customers"
    )
    name = models.CharField(max_length=150)
    phone = PhoneNumberField(blank=True, help_text="Mobile phone, stored in E.164")
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    sms_opted_out = models.BooleanField(default=False, help_text="Replied STOP; no SMS until START")
    external_id = models.CharField(
        "DMS customer number", max_length=64, blank=True, help_text="Unique per organization when given"
    )
    api_idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "name"]), models.Index(fields=["phone"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="customer_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "api_idempotency_key"],
                condition=~models.Q(api_idempotency_key=""),
                name="customer_api_idempotency_key_unique",
            ),
        ]

    def __str__(self):
        return self.name


class Opportunity(models.Model):
    """A sales opportunity (deal) of a customer."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="opportunities")
    title = models.CharField(max_length=200)
    reference = models.CharField("reference number", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "opportunities"

    def __str__(self):
        return self.title
