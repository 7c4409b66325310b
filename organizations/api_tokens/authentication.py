"""API authentication with organization-scoped tokens: `Authorization: Bearer <token>`."""

import hashlib

from django.utils import timezone
from rest_framework import authentication, exceptions


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] not in ("Bearer", "Token"):
            return None
        from organizations.models import ApiToken

        token = (
            ApiToken.objects.select_related("acting_user", "organization")
            .filter(key_hash=api_token_hash(parts[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.acting_user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        if token.acting_user.organization_id != token.organization_id:
            raise exceptions.AuthenticationFailed("Invalid API token.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.acting_user, token

    def authenticate_header(self, request):
        return self.keyword
