"""Admin tab -> API tokens: create one (its secret is shown once), list them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import form_add_application_error
from organizations import permissions
from organizations.api_tokens import services
from organizations.api_tokens.forms import ApiTokenForm
from organizations.models import ApiToken, User


@login_required
def api_tokens(request):
    if not permissions.can_manage_api_tokens(request.user):
        raise PermissionDenied
    users = User.objects.filter(organization_id=request.user.organization_id, is_active=True).order_by("name")
    form = ApiTokenForm(request.POST or None, users=users, initial={"acting_user": request.user.pk})
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_secret = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                acting_user=form.cleaned_data["acting_user"],
                scopes=form.cleaned_data["scopes"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            form = ApiTokenForm(users=users, initial={"acting_user": request.user.pk})
    tokens = ApiToken.objects.filter(organization_id=request.user.organization_id).select_related(
        "acting_user"
    )
    return render(
        request,
        "payments/admin/api_tokens.html",
        {"form": form, "tokens": tokens.order_by("-created_at"), "new_secret": new_secret},
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    try:
        token = services.api_token_revoke(user=request.user, token_id=pk)
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Token {token.name} revoked; it stops working now.")
    return redirect("api-tokens")
