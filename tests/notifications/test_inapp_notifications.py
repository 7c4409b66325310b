"""In-app notifications: unread badge, mark as read only on one's own requests."""

import pytest

from notifications.models import Notification
from tests.factories import PaymentRequestFactory, UserFactory


@pytest.mark.django_db
def test_badge_and_mark_as_read(client, advisor, org):
    pr = PaymentRequestFactory(organization=org, created_by=advisor)
    n = Notification.objects.create(
        user=advisor, title="Carla paid $125.50", payment_request=pr, url=f"/requests/{pr.pk}/"
    )
    client.force_login(advisor)
    assert 'data-testid="unread-badge">1<' in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{n.pk}/read/").status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None
    assert 'data-testid="unread-badge"' not in client.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_cannot_mark_someone_elses_or_about_anothers_request(client, advisor, org):
    other = UserFactory(organization=org)
    theirs = Notification.objects.create(
        user=other, title="x", payment_request=PaymentRequestFactory(organization=org, created_by=other)
    )
    client.force_login(advisor)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    # a notification in my list about a request someone else sent: refused
    about_other = Notification.objects.create(
        user=advisor, title="y", payment_request=PaymentRequestFactory(organization=org, created_by=other)
    )
    client.post(f"/notifications/{about_other.pk}/read/")
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    about_other.refresh_from_db()
    assert theirs.read_at is None and about_other.read_at is None
