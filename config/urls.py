from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("organizations.urls_auth")),
    path("manage/", include("organizations.urls")),
    path("manage/teams/", include("teams.urls")),
    path("admin-tab/", include("organizations.urls_admin_tab")),
    path("admin-tab/connections/", include("payments.urls_connections")),
    path("admin-tab/payout-emails/", include("payments.urls_payout_emails")),
    path("admin-tab/payment-settings/", include("payments.urls_admin_settings")),
    path("admin-tab/api-tokens/", include("payments.urls_api_tokens")),
    path("customers/", include("customers.urls")),
    path("payments/", include("payments.urls")),
    path("requests/", include("payments.urls_requests")),
    path("notifications/", include("notifications.urls")),
    path("pay/", include("payments.urls_pay")),
    path("webhooks/stripe/", include("payments.urls_webhooks")),
    path("webhooks/twilio/", include("notifications.urls_webhooks")),
    path("api/v1/", include("config.urls_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]

# The Stripe emulator, development only: never mounted in production (DEBUG off with a real key).
if settings.STRIPE_SANDBOX_MOUNTED:
    urlpatterns.append(path("sandbox/stripe/", include("config.stripe_sandbox_mount")))

if settings.DEBUG or settings.DEV_OUTBOX_ENABLED:
    urlpatterns.append(path("dev/", include("notifications.urls_dev")))
