"""Issue 11, item 4: login is locked per account and per address after AXES_FAILURE_LIMIT wrong
passwords (the right one then fails too, with a clear page); password reset emails are limited per
typed email and per address."""

import pytest

from notifications.models import OutboundMessage
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
RESET = "/accounts/password-reset/"


@pytest.fixture
def person(org):
    return UserFactory(organization=org, email="lou@smith.example", name="Lou Login")


def login(client, email, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, person, settings):
    """QA regression: 30 wrong passwords followed by the right one logged in."""
    for _ in range(30):
        response = login(client, person.email, "wrong-password")
    assert response.status_code == 429
    locked = login(client, person.email, "pass-Word-123")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page and f"{settings.AXES_FAILURE_LIMIT} wrong passwords" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_account_is_locked_from_another_address_too(client, person, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, person.email, "wrong", ip=f"198.51.100.{n + 1}")
    assert login(client, person.email, "pass-Word-123", ip="192.0.2.200").status_code == 429


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_locked(client, org, settings):
    people = [UserFactory(organization=org, email=f"p{n}@smith.example") for n in range(3)]
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"nobody{n}@smith.example", "wrong", ip="203.0.113.50")
    assert login(client, people[0].email, "pass-Word-123", ip="203.0.113.50").status_code == 429
    # another address is not affected
    ok = login(client, people[1].email, "pass-Word-123", ip="203.0.113.51")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_a_few_wrong_passwords_then_the_right_one_still_logs_in(client, person):
    for _ in range(3):
        assert login(client, person.email, "wrong").status_code == 200
    assert login(client, person.email, "pass-Word-123").status_code == 302


@pytest.mark.django_db
def test_password_reset_is_limited_per_email(client, person, django_capture_on_commit_callbacks):
    """QA regression: 10 reset emails reached one user in 2 s."""
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            answers.append(client.post(RESET, {"email": person.email}, REMOTE_ADDR=f"198.51.100.{n + 1}"))
    assert [r.status_code for r in answers[:3]] == [302, 302, 302]
    assert {r.status_code for r in answers[3:]} == {429}
    assert "Too many reset emails" in answers[-1].content.decode()
    assert int(answers[-1]["Retry-After"]) > 0
    assert OutboundMessage.objects.filter(to=person.email, channel="email").count() == 3


@pytest.mark.django_db
def test_password_reset_is_limited_per_address_whatever_the_email(client, org, settings):
    for n in range(10):
        assert (
            client.post(RESET, {"email": f"x{n}@example.org"}, REMOTE_ADDR="203.0.113.9").status_code == 302
        )
    assert client.post(RESET, {"email": "y@example.org"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert client.post(RESET, {"email": "y@example.org"}, REMOTE_ADDR="203.0.113.10").status_code == 302


@pytest.mark.django_db
def test_unknown_and_known_emails_are_limited_alike(client, person):
    """The limit tells nothing about which addresses have an account."""
    for email in (person.email, "nobody@smith.example"):
        codes = [client.post(RESET, {"email": email}).status_code for _ in range(4)]
        assert codes == [302, 302, 302, 429], email
