"""Issue 11, item 7: 404, 403 and 500 pages in the product's look (a main landmark, the viewport
tag, our stylesheet), the API's errors in its JSON shape, and a Manager on an Admin-only page gets
the same "Can't do that" page the Payments area shows."""

import html

import pytest
from django.test import Client

from core.errors import PermissionDenied


def product_page(response, status):
    assert response.status_code == status
    page = html.unescape(response.content.decode())
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<main" in page and "css/app.css" in page
    return page


@pytest.mark.django_db
def test_404_page(client):
    page = product_page(client.get("/no/such/page/"), 404)
    assert "Page not found" in page


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin-tab/", "/manage/", "/admin-tab/api-tokens/", "/manage/teams/"])
def test_a_manager_on_an_admin_only_page_gets_the_cant_do_that_page(client, manager, path):
    client.force_login(manager)
    page = product_page(client.get(path), 403)
    assert "Can't do that" in page and "Your role doesn't allow this page" in page
    assert "Max Manager" in page  # the usual menu, the person still knows where they are


@pytest.mark.django_db
def test_the_payments_area_refusal_is_the_same_page(rf, manager):
    """The page the Payments area shows (core.middleware renders error.html for core PermissionDenied)."""
    from core.middleware import ApplicationErrorMiddleware

    request = rf.get("/payments/x/")
    request.user = manager
    response = ApplicationErrorMiddleware(lambda r: None).process_exception(
        request, PermissionDenied("Only Admins can do this.")
    )
    assert response.status_code == 403 and "Can't do that" in response.content.decode()


def test_500_page_renders_without_a_database(settings):
    settings.ROOT_URLCONF = "tests.core.urls_boom"
    client = Client(raise_request_exception=False)
    page = product_page(client.get("/boom/"), 500)
    assert "Something went wrong on our side" in page
    api = client.get("/api/boom/")
    assert api.status_code == 500 and set(api.json()) == {"message", "extra"}
