"""Every role's main pages and every customer page, in a real browser at 360 px and 1280 px: no
sideways scrolling, no overlapping controls, a heading, and no critical or serious axe-core
violation (issue 17, items 4 and 5).

Screenshots of each page land in $SCREENSHOT_DIR (default: the test's tmp dir) for a person to
look at; the pass/fail checks are the ones in tests/browser/page_checks.py."""

import os
from pathlib import Path

import pytest

from notifications.models import Notification, OutboundMessage
from payments.models import Payment, PaymentRequest
from tests.browser.data import long_named_customer, paid_out_request
from tests.browser.page_checks import page_problems
from tests.factories import (
    OpportunityFactory,
    PaymentRequestFactory,
    StripeAccountFactory,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 1280)


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_page(browser, width, *, client=None, settings=None, live_server=None, user=None):
    # bypass_csp: axe-core is injected as a script the page's own policy would refuse.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    if user is not None:
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def report(problems):
    return "\n".join(f"{where}: {p}" for where, found in problems.items() for p in found)


def check_pages(page, base_url, paths, *, label, width, shots):
    problems = {}
    for name, path in paths:
        response = page.goto(base_url + path)
        assert response.status < 400, (path, response.status)
        page.screenshot(path=str(shots / f"{label}-{name}-{width}.png"), full_page=True)
        if found := page_problems(page):
            problems[f"{label} {path} @{width}"] = found
    return problems


@pytest.fixture
def product(org, team, admin_user, manager, advisor):
    """A dealership with one of everything a page can show."""
    customer = long_named_customer(org)
    OpportunityFactory(customer=customer, organization=org, title="2024 F-150 purchase")
    account = StripeAccountFactory(organization=org)
    paid, payment, payout = paid_out_request(
        org=org, team=team, advisor=advisor, customer=customer, account=account
    )
    Payment.objects.filter(pk=payment.pk).update(
        reconciled_at=payment.occurred_at,
        reconciled_by=manager,
        dms_document_number="INV-80241",
    )
    partial = PaymentRequestFactory(
        organization=org,
        team=team,
        customer=customer,
        created_by=advisor,
        stripe_account=account,
        allow_partial=True,
        description="Transmission rebuild, deposit or in full",
    )
    expired = PaymentRequestFactory(
        organization=org,
        team=team,
        customer=customer,
        created_by=advisor,
        stripe_account=account,
        status=PaymentRequest.Status.EXPIRED,
    )
    cancelled = PaymentRequestFactory(
        organization=org,
        team=team,
        customer=customer,
        created_by=advisor,
        stripe_account=account,
        status=PaymentRequest.Status.CANCELLED,
    )
    for channel, to, status, error in (
        ("sms", "+13125550199", "delivered", ""),
        ("email", customer.email, "failed", "Mailbox unavailable: 550 5.1.1 user unknown at the destination"),
    ):
        OutboundMessage.objects.create(
            organization=org,
            channel=channel,
            backend="outbox",
            to=to,
            body="Pay here",
            purpose="payment_request",
            status=status,
            error=error,
            payment_request=paid,
        )
    Notification.objects.create(
        user=advisor, title=f"{customer.name} paid $125.50", url=f"/requests/{paid.pk}/", payment_request=paid
    )
    return {
        "customer": customer,
        "paid": paid,
        "payment": payment,
        "payout": payout,
        "partial": partial,
        "expired": expired,
        "cancelled": cancelled,
        "team": team,
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_roles_pages_pass_the_checks(
    browser, client, settings, live_server, product, admin_user, manager, advisor, shots, language
):
    """In English and in French (longer words: the French Payments tab scrolled sideways at 360 px,
    the language menu was cut at 1280 px)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    for user in (admin_user, advisor):
        user.language = language
        user.save(update_fields=["language"])
    # The manager keeps the dealership's default (the language menu then reads its longest option).
    manager.organization.default_language = language
    manager.organization.save(update_fields=["default_language"])
    c, pr, payment, payout = product["customer"], product["paid"], product["payment"], product["payout"]
    pages = {
        "advisor": (
            advisor,
            [
                ("customers", "/customers/"),
                ("customer", f"/customers/{c.pk}/"),
                ("customer-new", "/customers/new/"),
                ("request-new", f"/requests/new/?customer={c.pk}"),
                ("requests", "/requests/"),
                ("request", f"/requests/{pr.pk}/"),
                ("notifications", "/notifications/"),
            ],
        ),
        "manager": (
            manager,
            [
                ("payments", "/payments/"),
                ("payment", f"/payments/{payment.pk}/"),
                ("refund", f"/payments/{payment.pk}/refund/"),
                ("payouts", "/payments/payouts/"),
                ("payout", f"/payments/payouts/{payout.pk}/"),
                ("reports", "/payments/reports/"),
            ],
        ),
        "admin": (
            admin_user,
            [
                ("admin-tab", "/admin-tab/"),
                ("people", "/manage/"),
                ("invite", "/manage/invitations/new/"),
                ("teams", "/manage/teams/"),
                ("connections", "/admin-tab/connections/"),
                ("payment-settings", "/admin-tab/payment-settings/"),
                ("payout-emails", "/admin-tab/payout-emails/"),
                ("api-tokens", "/admin-tab/api-tokens/"),
            ],
        ),
    }
    problems = {}
    for label, (user, paths) in pages.items():
        for width in WIDTHS:
            page = new_page(
                browser, width, client=client, settings=settings, live_server=live_server, user=user
            )
            problems.update(
                check_pages(
                    page, live_server.url, paths, label=f"{language}-{label}", width=width, shots=shots
                )
            )
            page.context.close()
    assert problems == {}, report(problems)


def test_customer_pages_pass_the_checks(browser, live_server, settings, product, shots):
    partial, paid, payment = product["partial"], product["paid"], product["payment"]
    paths = [
        ("pay-partial", f"/pay/{partial.token}/"),
        ("pay-paid", f"/pay/{paid.token}/"),
        ("receipt", f"/pay/{paid.token}/receipt/{payment.pk}/"),
        ("pay-expired", f"/pay/{product['expired'].token}/"),
        ("pay-cancelled", f"/pay/{product['cancelled'].token}/"),
        ("login", "/accounts/login/"),
        ("password-reset", "/accounts/password-reset/"),
    ]
    problems = {}
    for width in WIDTHS:
        page = new_page(browser, width)
        problems.update(check_pages(page, live_server.url, paths, label="customer", width=width, shots=shots))
        # The Pay button follows the amount typed.
        page.goto(f"{live_server.url}/pay/{partial.token}/")
        assert page.get_by_test_id("pay-button").inner_text() == "Pay $125.50"
        page.get_by_label("Amount to pay now").fill("1040")
        assert page.get_by_test_id("pay-button").inner_text() == "Pay $1,040.00"
        # An invalid partial amount: the error is tied to the field, announced, and focused.
        page.get_by_label("Amount to pay now").fill("12.345")
        page.get_by_test_id("pay-button").click()
        page.wait_for_selector("[data-testid=pay-amount-error]")
        field = page.get_by_label("Amount to pay now")
        assert field.get_attribute("aria-invalid") == "true"
        assert "id_amount_error" in field.get_attribute("aria-describedby").split()
        assert page.get_by_test_id("pay-amount-error").get_attribute("role") == "alert"
        assert page.evaluate("document.activeElement.id") == "id_amount"
        page.screenshot(path=str(shots / f"customer-pay-amount-error-{width}.png"), full_page=True)
        if found := page_problems(page):
            problems[f"customer pay amount error @{width}"] = found
        page.context.close()
    assert problems == {}, report(problems)


def test_the_payments_table_fits_1280_px_and_columns_can_be_hidden(
    browser, client, settings, live_server, product, manager, shots
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = new_page(browser, 1280, client=client, settings=settings, live_server=live_server, user=manager)
    page.goto(f"{live_server.url}/payments/")
    table = page.get_by_test_id("payments-table")
    fits = "(t) => t.scrollWidth <= t.clientWidth"
    assert table.evaluate(fits), "the Payments table scrolls sideways at 1280 px"
    assert table.locator("thead").inner_text().count("Reconciled") == 1
    page.get_by_test_id("columns").locator("summary").click()
    page.get_by_role("checkbox", name="Method").uncheck()
    page.get_by_role("checkbox", name="Reconciled").uncheck()
    assert not table.locator("th[data-col=method]").is_visible()
    assert "Card" not in table.locator("tbody").inner_text()  # the Method cells are hidden too
    page.reload()
    assert not page.get_by_test_id("payments-table").locator("th[data-col=reconciled]").is_visible()
    page.screenshot(path=str(shots / "manager-payments-columns-1280.png"), full_page=True)
    page.get_by_test_id("columns").locator("summary").click()
    page.get_by_role("checkbox", name="Method").check()
    assert page.get_by_test_id("payments-table").locator("th[data-col=method]").is_visible()


def test_the_refund_button_and_the_reconcile_field_line_up(
    browser, client, settings, live_server, product, manager, shots
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    Payment.objects.filter(pk=product["payment"].pk).update(reconciled_at=None, reconciled_by=None)
    for width in WIDTHS:
        page = new_page(
            browser, width, client=client, settings=settings, live_server=live_server, user=manager
        )
        page.goto(f"{live_server.url}/payments/{product['payment'].pk}/")
        boxes = [page.get_by_test_id(name).bounding_box() for name in ("refund", "reconcile")] + [
            page.locator("input[name=document_number]").bounding_box()
        ]
        page.screenshot(path=str(shots / f"manager-payment-actions-{width}.png"))
        if width == 1280:  # one line: the three share a vertical centre
            centres = [b["y"] + b["height"] / 2 for b in boxes]
            assert max(centres) - min(centres) <= 2, centres
        assert all(b["x"] + b["width"] <= width for b in boxes)
        page.context.close()
