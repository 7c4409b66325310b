"""QA regression: staff pages were wider than a 360 px phone (tables, the payment-settings
templates in <pre>, long emails), so the whole page scrolled sideways. Each page must fit; wide
tables scroll inside the page."""

import os

import pytest

from tests.browser.data import long_named_customer, paid_out_request
from tests.browser.sessions import signed_in_page
from tests.factories import (
    OpportunityFactory,
    StripeAccountFactory,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_as(browser, client, settings, live_server, user, width):
    return signed_in_page(
        browser, client, settings, user, live_server.url, viewport={"width": width, "height": 800}
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_pages_fit_a_360_px_phone(
    browser, client, settings, live_server, org, team, admin_user, manager, advisor, language
):
    """In English and in French, whose longer words ("Remboursé en partie", "Rapprochement") made the
    Payments tab wider than the phone."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    org.default_language = language
    org.save(update_fields=["default_language"])
    customer = long_named_customer(org)
    OpportunityFactory(customer=customer, organization=org)
    account = StripeAccountFactory(organization=org)
    pr, payment, payout = paid_out_request(
        org=org, team=team, advisor=advisor, customer=customer, account=account
    )
    pages = {
        advisor: ["/customers/", f"/customers/{customer.pk}/", "/requests/", f"/requests/{pr.pk}/"],
        admin_user: [
            "/manage/",
            "/manage/teams/",
            "/admin-tab/payment-settings/",
            "/admin-tab/api-tokens/",
            "/admin-tab/developers/",
        ],
        manager: [
            "/payments/",
            f"/payments/{payment.pk}/",
            "/payments/payouts/",
            f"/payments/payouts/{payout.pk}/",
            "/payments/reconciliation-files/",
        ],
    }
    too_wide = []
    for user, paths in pages.items():
        page = page_as(browser, client, settings, live_server, user, 360)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide.append((path, width))
        page.context.close()
    assert too_wide == []
