"""A browser page already signed in as a user: Django's test client logs in, and its session cookie
is handed to a fresh Playwright context (no login form typed in every test)."""

from __future__ import annotations


def signed_in_page(browser, client, settings, user, site: str, **context_options):
    """A page (15 s default timeout) in a new context made with `context_options` (viewport,
    bypass_csp, ...), signed in as `user` on `site`. Close it with page.context.close()."""
    client.force_login(user)
    context = browser.new_context(**context_options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page
