"""Admin tab -> Developers: webhook endpoints, their secret, the delivery log, resend, test event."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from organizations import permissions
from payments.dealer_webhooks import selectors, services
from payments.dealer_webhooks.events import EventType
from payments.dealer_webhooks.forms import WebhookEndpointEditForm, WebhookEndpointForm


def _require_admin(user) -> None:
    if not permissions.can_manage_webhooks(user):
        raise PermissionDenied


def _apply(form, exc: ApplicationError) -> None:
    fields = (exc.extra or {}).get("fields") or {}
    if not fields:
        form.add_error(None, exc.message)
    for field, texts in fields.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@login_required
def developers(request):
    _require_admin(request.user)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Endpoint added. Copy its signing secret into your receiver.")
            return redirect("developers-endpoint", pk=endpoint.pk)
    return render(
        request,
        "payments/admin/developers.html",
        {
            "form": form,
            "endpoints": selectors.webhook_endpoint_list(user=request.user),
            "event_types": EventType,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def endpoint_detail(request, pk: int):
    _require_admin(request.user)
    endpoint = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    initial = {k: getattr(endpoint, k) for k in ("url", "description", "event_types", "enabled")}
    form = WebhookEndpointEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_update(user=request.user, endpoint=endpoint, **form.cleaned_data)
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("developers-endpoint", pk=endpoint.pk)
    return render(
        request,
        "payments/admin/developers_endpoint.html",
        {
            "endpoint": endpoint,
            "form": form,
            "deliveries": selectors.webhook_delivery_log(endpoint=endpoint),
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _post_action(request, action, done: str, *, pk: int):
    _require_admin(request.user)
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("developers-endpoint", pk=pk)


@login_required
@require_POST
def endpoint_rotate(request, pk: int):
    endpoint = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    return _post_action(
        request,
        lambda: services.webhook_endpoint_secret_rotate(user=request.user, endpoint=endpoint),
        "New signing secret. The old one keeps working (both signatures are sent) for 24 hours.",
        pk=pk,
    )


@login_required
@require_POST
def endpoint_test(request, pk: int):
    endpoint = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    return _post_action(
        request,
        lambda: services.webhook_endpoint_test_send(user=request.user, endpoint=endpoint),
        "Test event queued: it appears in the log below.",
        pk=pk,
    )


@login_required
@require_POST
def endpoint_delete(request, pk: int):
    _require_admin(request.user)
    endpoint = selectors.webhook_endpoint_get(user=request.user, pk=pk)
    services.webhook_endpoint_delete(user=request.user, endpoint=endpoint)
    messages.success(request, f"Endpoint {endpoint.url} deleted.")
    return redirect("developers")


@login_required
@require_POST
def delivery_resend(request, pk: int):
    delivery = selectors.webhook_delivery_get(user=request.user, pk=pk)
    return _post_action(
        request,
        lambda: services.webhook_delivery_resend(user=request.user, delivery=delivery),
        f"Event {delivery.event.public_id} queued again.",
        pk=delivery.endpoint_id,
    )
