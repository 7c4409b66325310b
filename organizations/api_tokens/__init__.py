"""API tokens of an organization: authentication (Bearer tokens, only the hash stored), the
OpenAPI scheme, and the Admin tab page to create and revoke them. The token model is
organizations.models.ApiToken."""
