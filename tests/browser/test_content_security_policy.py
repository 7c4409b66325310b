"""Issue 11, item 3: the Content-Security-Policy breaks nothing. Staff pages, the pay page (through
the Pay button to the emulated Stripe Checkout: a form whose answer is a redirect to Stripe), the
receipt page and the API docs (Swagger UI) load in Chromium with no CSP violation and no console
error."""

import os
import re

import pytest

from tests.factories import PaymentRequestFactory
from tests.payments.request_helpers import connected_account

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def watched_page(browser, *, cookies=(), viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    # A failed load is reported by its response (the console message doesn't name the URL); the
    # browser's own /favicon.ico request (we serve none) is not a page error.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return page, errors


def assert_clean(page, errors, where):
    violations = page.evaluate("window.__csp")
    assert violations == [], (where, violations)
    assert errors == [], (where, errors)


def test_staff_pages_pay_page_and_api_docs_have_no_csp_violation(
    browser, live_server, stripe_server, settings, org, admin_user, manager, customer, client
):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    stripe_server.deliver_to(live_server.url, mode="sync")
    account = connected_account(stripe_server, org)
    client.force_login(admin_user)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
    page, errors = watched_page(browser, cookies=[cookie])
    for path in (
        "/admin-tab/",
        "/admin-tab/connections/",
        "/admin-tab/api-tokens/",
        "/manage/",
        "/customers/",
        f"/customers/{customer.pk}/",
        f"/requests/new/?customer={customer.pk}",
        "/payments/",
        "/notifications/",
        "/api/docs/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status < 400, path
        assert "content-security-policy" in response.headers, path
        if path == "/api/docs/":
            page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # Swagger UI rendered
            assert "TextPay API" in page.content()
        assert_clean(page, errors, path)

    pr = PaymentRequestFactory(
        organization=org, customer=customer, stripe_account=account, amount_minor=4_995
    )
    phone, phone_errors = watched_page(browser, viewport={"width": 360, "height": 740})
    phone.goto(f"{live_server.url}/pay/{pr.token}/")
    assert phone.get_by_test_id("amount").inner_text() == "$49.95"
    assert_clean(phone, phone_errors, "pay page")
    phone.get_by_test_id("pay-button").click()  # POST, then a 303 to Stripe Checkout's host
    phone.wait_for_url(re.compile(re.escape(stripe_server.url) + r".*"))
    assert phone.url.startswith(stripe_server.url)
    assert [e for e in phone_errors if "Content Security Policy" in e] == []
