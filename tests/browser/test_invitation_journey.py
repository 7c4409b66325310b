"""In headless Chromium: an Admin logs in, invites a Manager from the Manage tab, the invitation
link is opened from the development outbox, a password is set and the new Manager lands on the app."""

import os
import re

import pytest

from organizations.models import Invitation, Role, User

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.DEV_OUTBOX_ENABLED = True
    settings.ROOT_URLCONF = "tests.urls_with_outbox"
    settings.TWILIO_ACCOUNT_SID = ""  # SMS go to the outbox
    return live_server.url


def new_page(browser):
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    return page


def test_admin_invites_a_manager_who_registers_from_the_outbox_link(browser, site, admin_user, team):
    # The Admin logs in with their email.
    admin = new_page(browser)
    admin.goto(f"{site}/accounts/login/")
    admin.get_by_label("Email").fill("admin@smith.example")
    admin.get_by_label("Password").fill("pass-Word-123")
    admin.get_by_role("button", name="Log in").click()
    admin.wait_for_url(re.compile(r".*/admin-tab/$"))

    # Manage tab -> Invite a person.
    admin.locator("nav.sidebar").get_by_role("link", name="Manage").click()
    admin.wait_for_url(re.compile(r".*/manage/$"))
    admin.get_by_role("link", name="Invite a person").click()
    admin.get_by_label("Name").fill("Nina Newman")
    admin.get_by_label("Mobile phone").fill("(312) 555-0142")
    admin.get_by_label("Email").fill("nina@example.com")
    admin.get_by_label("Role").select_option("manager")
    admin.get_by_label("Service").check()
    admin.get_by_role("button", name="Send invitation").click()
    admin.wait_for_url(re.compile(r".*/manage/$"))
    assert "Invitation sent to Nina Newman" in admin.content()
    assert admin.locator('[data-invitation="nina@example.com"]').count() == 1

    # The invitee's SMS says where the link went; the invitee opens the email's link from the outbox.
    invitee = new_page(browser)
    invitee.goto(f"{site}/dev/outbox/")
    sms = invitee.locator('[data-testid="outbox-message"][data-channel="sms"][data-to="+13125550142"]')
    assert sms.count() == 1
    assert "nina@example.com" in sms.inner_text() and "/accounts/register/" not in sms.inner_text()
    email = invitee.locator(
        '[data-testid="outbox-message"][data-channel="email"][data-to="nina@example.com"]'
    )
    link = email.locator('a[href*="/accounts/register/"]').first
    href = link.get_attribute("href")
    link.click()
    invitee.wait_for_url(re.compile(r".*/accounts/register/[\w-]+/$"))
    assert "Join Smith Tractors" in invitee.content()

    # Sets a password and lands on the app, logged in as a Manager.
    invitee.get_by_label("Password", exact=True).fill("Gr33n-Tractor-9")
    invitee.get_by_label("Password again").fill("Gr33n-Tractor-9")
    invitee.get_by_role("button", name="Set password and join").click()
    invitee.wait_for_url(lambda url: "/accounts/" not in url)
    invitee.goto(f"{site}/customers/")
    sidebar = invitee.locator("nav.sidebar")
    assert "Nina Newman · Manager" in sidebar.inner_text()
    assert sidebar.get_by_role("link", name="Payments").count() == 1
    assert sidebar.get_by_role("link", name="Manage").count() == 0  # not an Admin

    user = User.objects.get(email="nina@example.com")
    assert user.role == Role.MANAGER and list(user.teams.all()) == [team]
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED

    # The link was single-use.
    response = new_page(browser).goto(href)
    assert response.status == 404
