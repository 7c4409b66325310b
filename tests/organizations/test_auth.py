import re

import pytest

from notifications.models import OutboundMessage


def test_login_by_email_case_insensitive(client, manager):
    response = client.post(
        "/accounts/login/", {"username": "MANAGER@smith.example", "password": "pass-Word-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_wrong_password_is_refused_with_a_message(client, manager):
    response = client.post("/accounts/login/", {"username": manager.email, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_pages_need_login(client, db):
    for path in ("/manage/", "/admin-tab/", "/customers/", "/manage/teams/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_logout_is_post_only(client, manager):
    client.force_login(manager)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, manager, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "notifications.email_backend.OutboxEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "Manager@Smith.example"})
    assert response.status_code == 302
    email = OutboundMessage.objects.get(channel="email", purpose="password_reset")
    assert email.to == manager.email and email.status == "sent"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", email.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Blue-Harvest-42", "new_password2": "Blue-Harvest-42"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("Blue-Harvest-42")


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_wrong_password_error_appears_once(client, admin_user):
    """QA regression: the login page printed its error twice."""
    response = client.post("/accounts/login/", {"username": admin_user.email, "password": "wrong"})
    html = response.content.decode()
    assert html.count("Please enter a correct email and password") == 1
    assert f'value="{admin_user.email}"' in html  # what was typed is kept
