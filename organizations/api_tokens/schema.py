"""OpenAPI description of the API token authentication (drf-spectacular extension): imported by the
API views (payments/requests/api.py) so the scheme is registered."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "organizations.api_tokens.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization API token created in Admin > API tokens: `Authorization: Bearer tp_...`",
        }
