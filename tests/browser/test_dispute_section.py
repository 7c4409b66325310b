"""Issue 11, item 8, in a real browser: a disputed payment's page shows the disputed amount, the
reason, the evidence deadline in the dealership's time zone and where to respond, at 360 px and
1280 px alike; an Admin's "Respond" opens the Express dashboard (the emulator's login link); a
Manager is told who can open it; after Stripe closes the dispute, the page shows how it ended."""

import os
import re
from datetime import UTC, datetime

import pytest

from core.templatetags.locale_formats import local_time
from payments.models import Payment
from tests.browser.page_checks import axe_violations, headings, horizontal_overflow, overlapping_controls
from tests.browser.sessions import signed_in_page
from tests.payments.emulator import connected_account, paid_payment

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def logged_in_page(browser, client, settings, user, site, *, width):
    # bypass_csp: axe-core is injected as a script the page's own policy would refuse.
    return signed_in_page(
        browser, client, settings, user, site, viewport={"width": width, "height": 900}, bypass_csp=True
    )


def test_a_disputed_payment_shows_what_to_do_and_how_it_ended(
    live_server, stripe_server, settings, client, browser, org, team, advisor, manager, admin_user
):
    settings.SITE_URL = site = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    org.time_zone = "America/Chicago"
    org.save(update_fields=["time_zone"])
    account = connected_account(stripe_server, org)
    payment = paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=8_000, reference="RO-4411"
    )
    stripe_server.deliver_to(site, mode="sync")  # the payment's events, then every later one, over HTTP
    dispute = stripe_server.dispute(payment.stripe_charge_id, reason="product_not_received", amount=5_000)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.DISPUTED
    due = local_time(datetime.fromtimestamp(dispute["evidence_details"]["due_by"], tz=UTC), org.time_zone)

    for width in (360, 1280):
        page = logged_in_page(browser, client, settings, admin_user, site, width=width)
        page.goto(f"{site}/payments/{payment.pk}/")
        section = page.get_by_test_id("dispute")
        assert section.is_visible()
        assert page.get_by_test_id("dispute-amount").inner_text() == "$50.00"
        assert "did not receive what they paid for" in page.get_by_test_id("dispute-reason").inner_text()
        assert page.get_by_test_id("dispute-due").inner_text() == due
        assert page.get_by_test_id("dispute-debited").inner_text() == "$50.00"
        assert page.get_by_test_id("dispute-net").inner_text() == "$27.10"  # $80 - $2.90 fee - $50
        assert "Chicago" in due or "C" in due.split()[-1]  # the dealership's time, named
        assert page.get_by_test_id("dispute-respond").is_visible()
        assert horizontal_overflow(page) == 0, f"sideways scroll at {width} px"
        assert overlapping_controls(page) == []
        assert headings(page)
        assert axe_violations(page) == []
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"dispute-open-{width}.png"), full_page=True)
        page.context.close()

    # The Admin responds: the button opens the Express dashboard (a login link made for this click).
    page = logged_in_page(browser, client, settings, admin_user, site, width=1280)
    page.goto(f"{site}/payments/{payment.pk}/")
    page.get_by_test_id("dispute-respond").click()
    page.wait_for_url(re.compile(re.escape(stripe_server.url) + r"/.*"))
    assert (
        account.stripe_id in page.url
        or "express" in page.url.lower()
        or page.url.startswith(stripe_server.url)
    )
    page.context.close()

    # A Manager sees the dispute and who can open the dashboard, not the button.
    page = logged_in_page(browser, client, settings, manager, site, width=360)
    page.goto(f"{site}/payments/{payment.pk}/")
    assert page.get_by_test_id("dispute-amount").inner_text() == "$50.00"
    assert page.get_by_test_id("dispute-respond").count() == 0
    assert "Admin" in page.get_by_test_id("dispute-respond-admin").inner_text()
    assert horizontal_overflow(page) == 0
    page.context.close()

    # Stripe closes it: lost. The page says so and keeps the states in order.
    stripe_server.emit_event(
        "charge.dispute.closed", account=account.stripe_id, object={**dispute, "status": "lost"}
    )
    page = logged_in_page(browser, client, settings, admin_user, site, width=1280)
    page.goto(f"{site}/payments/{payment.pk}/")
    assert "Lost" in page.get_by_test_id("dispute-status").inner_text()
    assert page.get_by_test_id("dispute-respond").count() == 0  # nothing left to respond to
    assert page.get_by_test_id("dispute-due").count() == 0
    assert page.get_by_test_id("dispute-net").inner_text() == "$27.10"  # lost: the $50 stays gone
    states = page.get_by_test_id("dispute-states").inner_text()
    assert states.index("Needs a response") < states.index("Lost")
    assert axe_violations(page) == []
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "dispute-lost-1280.png"), full_page=True)
    page.context.close()
