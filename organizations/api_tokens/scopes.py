"""The DRF permission that asks organizations/permissions.token_has_scope for every API call.

Each API view says which scope each method needs (`scopes = {"POST": "refund"}`); a method not
listed needs `read` when safe (GET/HEAD/OPTIONS) and is refused otherwise, so a new write
endpoint that forgets to declare its scope is closed, not open."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from organizations.models import ApiScope
from organizations.permissions import token_has_scope


def required_scope(view, method: str) -> str | None:
    scope = getattr(view, "scopes", {}).get(method)
    if scope is None and method in SAFE_METHODS:
        return ApiScope.READ
    return scope


class TokenScope(BasePermission):
    def has_permission(self, request, view) -> bool:
        scope = required_scope(view, request.method)
        if scope is None:
            self.message = "This API call is not open to API tokens."
            return request.auth is None
        self.message = (
            f"This API token lacks the '{scope}' scope; an Admin can give it on Admin tab > API tokens."
        )
        return token_has_scope(request.auth, scope)
