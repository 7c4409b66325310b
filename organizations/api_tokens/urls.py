from django.urls import path

from payments.payment_settings import views

urlpatterns = [
    path("", views.api_tokens, name="api-tokens"),
    path("<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
