"""API tokens of an organization: create (the secret is returned once and only its hash stored)
and revoke. Admins only (organizations.permissions.can_manage_api_tokens)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, NotFound, PermissionDenied
from organizations import permissions
from organizations.api_tokens.authentication import api_token_hash
from organizations.models import ApiScope, ApiToken, User, default_api_scopes

API_TOKEN_PREFIX = "tp_"


@transaction.atomic
def api_token_create(
    *, user: User, name: str, acting_user: User, scopes: list[str] | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret, which is shown once and never stored. `scopes`
    (ApiScope values) default to read + request payments, what a token could do before scopes."""
    if not permissions.can_manage_api_tokens(user):
        raise PermissionDenied("Only Admins manage API tokens.")
    if acting_user.organization_id != user.organization_id or not acting_user.is_active:
        raise ApplicationError(
            "Choose an active person of your organization.",
            extra={"fields": {"acting_user": ["Choose an active person of your organization."]}},
        )
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Name the token.", extra={"fields": {"name": ["Name the token."]}})
    scopes = default_api_scopes() if scopes is None else [s for s in ApiScope.values if s in scopes]
    unknown = sorted(set(scopes or []) - set(ApiScope.values))
    if unknown or not scopes:
        message = "Pick at least one scope." if not unknown else f"Unknown scope: {', '.join(unknown)}."
        raise ApplicationError(message, extra={"fields": {"scopes": [message]}})
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization_id=user.organization_id,
        name=name[:100],
        prefix=secret[:10],
        key_hash=api_token_hash(secret),
        acting_user=acting_user,
        created_by=user,
        scopes=scopes,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    if not permissions.can_manage_api_tokens(user):
        raise PermissionDenied("Only Admins manage API tokens.")
    token = (
        ApiToken.objects.select_for_update().filter(organization_id=user.organization_id, pk=token_id).first()
    )
    if token is None:
        raise NotFound("No such API token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
