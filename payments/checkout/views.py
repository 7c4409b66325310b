"""The customer's pages: the hosted pay page, the return from Stripe Checkout, the receipt.
Public (the unguessable token is the key); no card data ever reaches these views. An address that
tries too many unknown tokens (PAY_LINK_UNKNOWN_RATE_PER_IP) is answered 429 for a while, for any
token, so the links can't be guessed by enumeration."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import i18n
from core.errors import ApplicationError, NotFound
from core.throttle import client_ip, rate_limit_check, rate_limit_hit, retry_after_text
from payments.accounts.selectors import stripe_account_can_take_payments, stripe_account_customer_label
from payments.cards.consent import consent_text
from payments.cards.services import consent_record
from payments.checkout.forms import PayAmountForm
from payments.checkout.session import (
    payment_record_from_checkout_return,
    payment_request_checkout_start,
    payment_request_get_by_token,
    payment_request_open,
)
from payments.models import CardConsent, Payment, PaymentRequest
from payments.requests.messages import installments_offered
from payments.requests.states import OPEN_STATUSES

S = PaymentRequest.Status


class UnknownPayLink(Http404):
    """No payment request has this token (mistyped, cut short, or made up)."""


def _get_or_404(token: str, request=None) -> PaymentRequest:
    try:
        payment_request = payment_request_get_by_token(token=token)
    except NotFound:
        raise UnknownPayLink("This payment link does not exist.")
    if request is not None:
        _activate_customer_language(request, payment_request)
    return payment_request


def _activate_customer_language(request, payment_request: PaymentRequest) -> None:
    """Pages in the customer's language; ?lang=xx (the page's switch) wins and is remembered."""
    i18n.customer_language_activate(payment_request.customer, chosen=request.GET.get("lang", ""))


def _language_switch(payment_request: PaymentRequest) -> dict:
    return {
        "languages": i18n.language_choices(),
        "current_language": i18n.customer_language(payment_request.customer),
    }


def _link_unknown_page(request, *, status: int, retry_after: int | None = None):
    context = {"retry_text": retry_after_text(retry_after) if retry_after else ""}
    response = render(request, "payments/pay/link_unknown.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def pay_link_limited(view):
    """Count unknown tokens per client address; over the limit, answer 429 for every token."""

    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        address = client_ip(request)
        rate = settings.PAY_LINK_UNKNOWN_RATE_PER_IP
        limited = rate_limit_check(scope="pay-unknown", identity=address, rate=rate)
        if limited:
            return _link_unknown_page(request, status=429, retry_after=limited.retry_after_seconds)
        try:
            return view(request, token, *args, **kwargs)
        except UnknownPayLink:
            rate_limit_hit(scope="pay-unknown", identity=address, rate=rate)
            return _link_unknown_page(request, status=404)

    return wrapper


# The pay page as first rendered for a request's current state, per web process: a visit of the
# same state (the customer opening the link again, the SMS preview fetcher, a refresh) is served
# from it with its own CSRF token, not rendered again. The key holds every value of the request,
# its dealership and Stripe account the page shows, and the language; an entry lives at most
# PAY_PAGE_CACHE_SECONDS (anything else the page shows is at most that old).
PAY_PAGE_CACHE_SECONDS = 60
PAY_PAGE_CACHE_SIZE = 2000
_pay_page_cache: OrderedDict[tuple, tuple[float, bytes]] = OrderedDict()
_pay_page_lock = threading.Lock()
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\x00csrf\x00"


def _values_of(obj) -> tuple:
    if obj is None:
        return ()
    return tuple(
        getattr(obj, f.attname) for f in obj._meta.concrete_fields if not isinstance(f, models.JSONField)
    )


def _pay_page_key(payment_request: PaymentRequest) -> tuple:
    return (
        _values_of(payment_request),
        _values_of(payment_request.organization),
        _values_of(payment_request.stripe_account),
        translation.get_language(),
    )


def _cached_pay_page(request, payment_request: PaymentRequest):
    key = _pay_page_key(payment_request)
    now = time.monotonic()
    with _pay_page_lock:
        hit = _pay_page_cache.get(key)
        if hit is not None and now - hit[0] < PAY_PAGE_CACHE_SECONDS:
            _pay_page_cache.move_to_end(key)
        else:
            hit = None
    if hit is not None:
        return HttpResponse(hit[1].replace(_CSRF_PLACEHOLDER, get_token(request).encode()))
    response = _render_pay_page(request, payment_request)
    if response.status_code == 200:
        body = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", response.content)
        with _pay_page_lock:
            _pay_page_cache[key] = (now, body)
            while len(_pay_page_cache) > PAY_PAGE_CACHE_SIZE:
                _pay_page_cache.popitem(last=False)
    return response


def _render_pay_page(
    request,
    payment_request: PaymentRequest,
    *,
    form=None,
    error: str = "",
    status: int = 200,
    confirming=False,
):
    payments = []
    if payment_request.amount_paid_minor or payment_request.status in (S.PAID, S.PARTIALLY_PAID):
        payments = list(
            Payment.objects.filter(
                payment_request=payment_request, status__in=("succeeded", "partially_refunded", "refunded")
            ).order_by("occurred_at", "id")
        )  # nothing was paid on most visits: no query for the list
    context = {
        "pr": payment_request,
        "org": payment_request.organization,
        # The same label the Connections page tells the admin customers will see.
        "label": stripe_account_customer_label(payment_request.stripe_account)
        if payment_request.stripe_account
        else _("Pay by card"),
        "installments": installments_offered(payment_request),
        "can_take_payments": stripe_account_can_take_payments(payment_request.stripe_account),
        "payments": payments,
        "form": form
        or PayAmountForm(initial={"amount": i18n.amount_input_text(payment_request.balance_minor)}),
        "error": error,
        "confirming": confirming,
        "is_open": payment_request.status in OPEN_STATUSES,
        **_language_switch(payment_request),
        "card_consent_text": consent_text(dealership=payment_request.organization.name),
    }
    return render(request, "payments/pay/page.html", context, status=status)


@never_cache
@pay_link_limited
def pay_page(request, token: str):
    try:
        payment_request = payment_request_open(token=token)
    except NotFound:
        raise UnknownPayLink("This payment link does not exist.")
    _activate_customer_language(request, payment_request)
    return _cached_pay_page(request, payment_request)


@never_cache
@require_POST
@pay_link_limited
def pay_checkout(request, token: str):
    """The Pay button: create (or reuse) the Stripe Checkout Session and go there."""
    payment_request = _get_or_404(token, request)
    form = PayAmountForm(request.POST)
    if not form.is_valid():
        return _render_pay_page(request, payment_request, form=form, status=400)
    save_card = bool(form.cleaned_data.get("save_card"))
    try:
        if save_card:  # the customer ticked "save this card": their authorisation, recorded first
            consent_record(
                customer=payment_request.customer,
                source=CardConsent.Source.PAYMENT,
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                payment_request=payment_request,
            )
        url = payment_request_checkout_start(
            token=token, amount_minor=form.cleaned_data.get("amount"), save_card=save_card
        )
    except ApplicationError as exc:
        fields = exc.field_errors
        if "amount" in fields:
            form.add_error("amount", fields["amount"][0])
            return _render_pay_page(request, _get_or_404(token), form=form, status=400)
        return _render_pay_page(request, _get_or_404(token), error=exc.message, status=409)
    return HttpResponseRedirect(url, status=303)


@never_cache
@pay_link_limited
def pay_return(request, token: str):
    """Stripe's success URL: confirm with Stripe (never trust the URL) and show the result."""
    _get_or_404(token, request)
    try:
        payment_record_from_checkout_return(token=token, session_id=request.GET.get("session_id", ""))
    except ApplicationError:
        pass  # Stripe unreachable: the webhook will record it; the page says "processing"
    payment_request = _get_or_404(token)
    if payment_request.status not in (S.PAID, S.PARTIALLY_PAID):
        return _render_pay_page(request, payment_request, confirming=payment_request.status in OPEN_STATUSES)
    return HttpResponseRedirect(f"/pay/{token}/", status=303)


@never_cache
@pay_link_limited
def pay_receipt(request, token: str, payment_id: int):
    payment_request = _get_or_404(token, request)
    payment = (
        Payment.objects.filter(payment_request=payment_request, pk=payment_id)
        .exclude(status="failed")
        .first()
    )
    if payment is None:
        raise Http404("No such receipt.")
    return render(
        request,
        "payments/pay/receipt.html",
        {
            "pr": payment_request,
            "org": payment_request.organization,
            "payment": payment,
            **_language_switch(payment_request),
        },
    )
