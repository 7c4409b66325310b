"""Admin tab -> Payment settings: the SMS and email texts, the reminder, the largest payment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.forms import form_add_application_error
from core.i18n import organization_language
from core.money import minor_to_major_text
from organizations import permissions
from payments.payment_settings import services
from payments.payment_settings.forms import MessageTextsForm, PaymentSettingsForm
from payments.payment_settings.message_texts import (
    BUDGET_DEALERSHIP_CHARS,
    BUDGET_SITE_URL_CHARS,
    message_texts_for,
    organization_message_texts_update,
    sms_amount,
)
from payments.requests.messages import (
    DEFAULT_EMAIL_TEMPLATE,
    DEFAULT_SMS_TEMPLATE,
    PLACEHOLDERS,
)


@login_required
def payment_settings(request):
    if not permissions.can_manage_organization(request.user):
        raise PermissionDenied
    org = request.user.organization
    initial = {
        "sms_template": org.sms_template,
        "email_template": org.email_template,
        "reminders_enabled": org.reminders_enabled,
        "reminder_hours_before_expiry": org.reminder_hours_before_expiry,
        "max_payment": minor_to_major_text(org.max_payment_minor),
        "max_requests_per_customer_hour": org.max_requests_per_customer_hour,
        "max_requests_per_customer_day": org.max_requests_per_customer_day,
    }
    form = PaymentSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_payment_settings_update(
                user=request.user,
                sms_template=data["sms_template"],
                email_template=data["email_template"],
                reminders_enabled=data["reminders_enabled"],
                reminder_hours_before_expiry=data["reminder_hours_before_expiry"],
                max_payment_minor=data["max_payment"],
                max_requests_per_customer_hour=data["max_requests_per_customer_hour"],
                max_requests_per_customer_day=data["max_requests_per_customer_day"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Payment settings saved."))
            return redirect("payment-settings")
    return render(
        request,
        "payments/admin/payment_settings.html",
        {
            "form": form,
            "placeholders": PLACEHOLDERS,
            "default_sms": DEFAULT_SMS_TEMPLATE,
            "default_email": DEFAULT_EMAIL_TEMPLATE,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def message_texts(request):
    """Per language: the dealership's SMS and email, with each SMS's length, encoding and segments."""
    if not permissions.can_manage_organization(request.user):
        raise PermissionDenied
    org = request.user.organization
    rows = message_texts_for(organization=org)
    languages = [row.language for row in rows]
    initial = {}
    for row in rows:
        initial[f"sms_{row.language}"], initial[f"email_{row.language}"] = row.sms, row.email
    form = MessageTextsForm(request.POST or None, initial=initial, languages=languages)
    if request.method == "POST" and form.is_valid():
        try:
            organization_message_texts_update(
                user=request.user, texts_by_language=form.texts_by_language(languages)
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Message texts saved."))
            return redirect("message-texts")
    return render(
        request,
        "payments/admin/message_texts.html",
        {
            "form": form,
            "rows": [(row, form[f"sms_{row.language}"], form[f"email_{row.language}"]) for row in rows],
            "placeholders": PLACEHOLDERS,
            "longest": {
                "dealership": BUDGET_DEALERSHIP_CHARS,
                "site": BUDGET_SITE_URL_CHARS,
                "amount": sms_amount(org),
            },
            "default_language": organization_language(org),
        },
        status=400 if request.method == "POST" else 200,
    )
