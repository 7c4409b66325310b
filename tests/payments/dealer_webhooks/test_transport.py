"""SSRF and DNS rebinding: each attempt resolves the host once, refuses non-public addresses
outside development, connects to the address it checked and keeps TLS hostname verification."""

import ipaddress
import shutil
import socket
import ssl
import subprocess

import pytest

from payments.dealer_webhooks import transport
from payments.dealer_webhooks.events import outbound_event_emit
from payments.dealer_webhooks.services import webhook_endpoint_create
from payments.models import WebhookDelivery, WebhookEndpoint
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def fake_dns(monkeypatch):
    """Names we choose resolve where we say (each lookup counted); every other name as usual."""
    zone: dict[str, list[str]] = {}
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in zone:
            lookups.append(host)
            if not zone[host]:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in zone[host]
            ]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return type("FakeDns", (), {"zone": zone, "lookups": lookups})()


def _emit(org):
    return outbound_event_emit(
        organization_id=org.pk, type="payment.succeeded", object_type="payment", object_id=1, data={"id": 1}
    )


def _endpoint(org, url):
    """An endpoint as saved earlier (its host resolved to a public address then)."""
    return WebhookEndpoint.objects.create(organization=org, url=url, event_types=["payment.succeeded"])


def test_in_production_a_host_that_resolves_to_loopback_is_refused_and_logged(
    settings, org, webhook_receiver, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE = False
    endpoint = _endpoint(org, webhook_receiver.url_for("localhost").replace("http://", "https://"))
    webhook_receiver.secrets = [endpoint.secret]
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    delivery = WebhookDelivery.objects.get(event=event)
    [line] = delivery.log.all()
    assert line.error.startswith("Refused: localhost resolves to ")
    assert "a loopback address; only public addresses receive webhooks" in line.error
    assert (line.succeeded, line.response_status, delivery.status) == (False, None, "retrying")
    assert webhook_receiver.received == [] and webhook_receiver.last_signature == ""  # nothing reached it


def test_a_name_that_rebinds_to_a_private_address_after_it_was_saved_is_refused_at_send_time(
    settings, org, admin_user, fake_dns, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE = False
    fake_dns.zone["dms.rebind.test"] = ["93.184.216.34"]  # public when the Admin saves it
    endpoint = webhook_endpoint_create(
        user=admin_user, url="https://dms.rebind.test/hooks", event_types=["payment.succeeded"]
    )
    fake_dns.zone["dms.rebind.test"] = ["93.184.216.34", "169.254.169.254"]  # the cloud metadata address
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    [line] = WebhookDelivery.objects.get(event=event, endpoint=endpoint).log.all()
    assert line.error.startswith("Refused: dms.rebind.test resolves to 169.254.169.254, a link-local address")


def test_in_development_the_local_receiver_works_by_name(
    org, webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(org, webhook_receiver.url_for("localhost"))
    webhook_receiver.secrets = [endpoint.secret]
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    assert event.public_id in webhook_receiver.accepted
    assert WebhookDelivery.objects.get(event=event).status == "succeeded"


def test_the_post_goes_to_the_checked_address_without_a_second_lookup(
    org, webhook_receiver, fake_dns, django_capture_on_commit_callbacks
):
    fake_dns.zone["dms.dealer.test"] = ["127.0.0.1"]  # nothing else in the world knows this name
    endpoint = _endpoint(org, webhook_receiver.url_for("dms.dealer.test"))
    webhook_receiver.secrets = [endpoint.secret]
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    assert event.public_id in webhook_receiver.accepted
    assert fake_dns.lookups == ["dms.dealer.test"]  # one lookup: the one that was checked
    assert webhook_receiver.received[-1].headers["Host"] == f"dms.dealer.test:{webhook_receiver.port}"


def test_when_the_first_checked_address_refuses_the_connection_the_next_one_is_tried(
    org, webhook_receiver, fake_dns, django_capture_on_commit_callbacks
):
    fake_dns.zone["dms.dealer.test"] = ["127.0.0.2", "127.0.0.1"]  # nothing listens on 127.0.0.2
    endpoint = _endpoint(org, webhook_receiver.url_for("dms.dealer.test"))
    webhook_receiver.secrets = [endpoint.secret]
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    assert event.public_id in webhook_receiver.accepted and fake_dns.lookups == ["dms.dealer.test"]


# --- TLS: the certificate is checked against the host name, not the address we connect to
@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.fail("openssl (Debian's openssl package) is needed to make the test certificates")
    folder = tmp_path_factory.mktemp("tls")

    def run(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=TextPay test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    for name in ("dms.dealer.test", "someone-else.test"):
        (folder / f"{name}.ext").write_text(
            f"subjectAltName=DNS:{name}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
        )
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={name}")  # fmt: skip
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")  # fmt: skip
    return folder


@pytest.fixture
def tls_receiver(settings, certificates):
    settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE = True  # development: 127.0.0.1 may receive
    settings.OUTBOUND_WEBHOOK_TIMEOUT_SECONDS = 2.0
    settings.OUTBOUND_WEBHOOK_CA_BUNDLE = str(certificates / "ca.pem")
    started = []

    def start(certificate_name):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(
            certificates / f"{certificate_name}.pem", certificates / f"{certificate_name}.key"
        )
        receiver = WebhookReceiver().start(tls=context)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


def test_https_to_the_checked_address_verifies_the_certificate_against_the_host_name(
    org, tls_receiver, fake_dns, django_capture_on_commit_callbacks
):
    fake_dns.zone["dms.dealer.test"] = ["127.0.0.1"]
    receiver = tls_receiver("dms.dealer.test")
    endpoint = _endpoint(org, receiver.url_for("dms.dealer.test"))
    receiver.secrets = [endpoint.secret]
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    assert event.public_id in receiver.accepted  # SNI and the certificate check used the name
    assert WebhookDelivery.objects.get(event=event).status == "succeeded"


def test_a_certificate_for_another_name_is_refused(
    org, tls_receiver, fake_dns, django_capture_on_commit_callbacks
):
    fake_dns.zone["dms.dealer.test"] = ["127.0.0.1"]
    receiver = tls_receiver("someone-else.test")  # whoever answers at that address
    endpoint = _endpoint(org, receiver.url_for("dms.dealer.test"))
    receiver.secrets = [endpoint.secret]
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(org)
    [line] = WebhookDelivery.objects.get(event=event).log.all()
    assert line.error.startswith("TLS failed") and "dms.dealer.test" in line.error
    assert receiver.received == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # cloud metadata
        ("224.0.0.1", False),  # multicast (ipaddress calls it global)
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
    ],
)
def test_which_addresses_are_public(address, public):
    assert transport.address_is_public(ipaddress.ip_address(address)) is public
