"""/api/v1/ — each app adds its endpoints to its own `apis_urls` module."""

from django.urls import include, path

urlpatterns = [
    path("", include("payments.requests.api_urls")),
    path("", include("payments.cards.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("customers.api_urls")),
]
