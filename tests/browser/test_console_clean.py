"""A newcomer's first pages in a real browser leave the console clean: no failed request (the
browser's own /favicon.ico probe included), no JavaScript error, no security-policy violation."""

import os

import pytest

from tests.factories import PaymentFactory, PaymentRequestFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watched_page(browser, width):
    page = browser.new_context(viewport={"width": width, "height": 740}).new_page()
    page.set_default_timeout(15_000)
    trouble = []
    page.on("console", lambda m: m.type == "error" and trouble.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: trouble.append(f"pageerror: {e}"))
    page.on("response", lambda r: r.status >= 400 and trouble.append(f"HTTP {r.status} {r.url}"))
    return page, trouble


def test_login_staff_and_pay_pages_leave_the_console_clean(
    live_server, browser, client, settings, advisor, org
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    pr = PaymentRequestFactory(organization=org)

    page, trouble = watched_page(browser, 1280)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", advisor.email)
    page.fill("input[name=password]", "pw-not-used")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".errorlist, .error").count()  # the wrong password is said, not a failure

    client.force_login(advisor)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/customers/")
    page.wait_for_load_state("networkidle")
    # The advisor's payments with the daily chart (once drawn with refused inline styles) and one payment.
    payment = PaymentFactory(payment_request=PaymentRequestFactory(organization=org, created_by=advisor))
    page.goto(live_server.url + "/payments/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=chart] rect").count() >= 1
    page.goto(f"{live_server.url}/payments/{payment.pk}/")
    page.wait_for_load_state("networkidle")

    phone, phone_trouble = watched_page(browser, 360)
    phone.goto(f"{live_server.url}/pay/{pr.token}/")
    phone.wait_for_load_state("networkidle")
    assert phone.get_by_test_id("pay-button").is_visible()

    assert trouble == [] and phone_trouble == []
