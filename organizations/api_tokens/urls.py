"""/admin-tab/api-tokens/: an organization's API tokens."""

from django.urls import path

from organizations.api_tokens import views

urlpatterns = [
    path("", views.api_tokens, name="api-tokens"),
    path("<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
