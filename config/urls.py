from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("organizations.urls_auth")),
    path("manage/", include("organizations.urls")),
    path("manage/teams/", include("teams.urls")),
    path("admin-tab/", include("organizations.urls_admin_tab")),
    path("admin-tab/connections/", include("payments.accounts.urls")),
    path("admin-tab/payout-emails/", include("payments.payouts.admin_urls")),
    path("admin-tab/payment-settings/", include("payments.payment_settings.urls")),
    path("admin-tab/api-tokens/", include("organizations.api_tokens.urls")),
    path("admin-tab/developers/", include("payments.dealer_webhooks.urls")),
    path("customers/", include("customers.urls")),
    path("payments/", include("payments.tab.urls")),
    path("requests/", include("payments.requests.urls")),
    path("notifications/", include("notifications.urls")),
    path("pay/", include("payments.checkout.urls")),
    path("cards/", include("payments.cards.urls")),
    path("webhooks/stripe/", include("payments.webhooks.urls")),
    path("webhooks/twilio/", include("notifications.urls_webhooks")),
    path("api/v1/", include("config.urls_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script as a file of ours (no inline script); it adds <style> elements.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("django-admin/", admin.site.urls),
]

# The Stripe emulator: development only (settings.STRIPE_SANDBOX_ENABLED), never in production.
if settings.STRIPE_SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/stripe/", include("config.stripe_sandbox_mount")))

if settings.DEBUG or settings.DEV_OUTBOX_ENABLED:
    urlpatterns.append(path("dev/", include("notifications.urls_dev")))

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
