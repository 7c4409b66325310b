"""The TextPay-Signature scheme, and the README's receiver agreeing with it."""

import hashlib
import hmac
import time

import pytest

from payments.dealer_webhooks.schedule import RETRY_WINDOW, retry_delay, retry_schedule
from payments.dealer_webhooks.signing import SignatureError, signature_header, signature_verify
from scripts.webhook_receiver import verify as readme_verify

BODY = '{"id":"evt_1","type":"payment.succeeded","data":{"object":{"name":"Marie-Ève"}}}'.encode()


def test_v1_is_the_hmac_sha256_of_timestamp_dot_body():
    header = signature_header(secrets=["whsec_a"], timestamp=1767225600, body=BODY)
    expected = hmac.new(b"whsec_a", b"1767225600." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1767225600,v1={expected}"


def test_verify_accepts_the_right_secret_and_refuses_a_wrong_one_or_a_changed_body():
    now = int(time.time())
    header = signature_header(secrets=["whsec_a"], timestamp=now, body=BODY)
    assert signature_verify(header=header, body=BODY, secret="whsec_a") == now
    assert readme_verify(header, BODY, "whsec_a")
    with pytest.raises(SignatureError, match="No v1"):
        signature_verify(header=header, body=BODY, secret="whsec_b")
    with pytest.raises(SignatureError):
        signature_verify(header=header, body=BODY + b" ", secret="whsec_a")
    assert not readme_verify(header, BODY, "whsec_b")
    assert not readme_verify(header, BODY + b" ", "whsec_a")


def test_the_five_minute_tolerance_refuses_a_replay():
    old = int(time.time()) - 301
    header = signature_header(secrets=["whsec_a"], timestamp=old, body=BODY)
    with pytest.raises(SignatureError, match="300 seconds"):
        signature_verify(header=header, body=BODY, secret="whsec_a")
    assert not readme_verify(header, BODY, "whsec_a")
    recent = signature_header(secrets=["whsec_a"], timestamp=int(time.time()) - 290, body=BODY)
    assert readme_verify(recent, BODY, "whsec_a")


def test_during_a_rotation_both_secrets_verify():
    header = signature_header(secrets=["whsec_new", "whsec_old"], timestamp=int(time.time()), body=BODY)
    assert header.count("v1=") == 2
    for secret in ("whsec_new", "whsec_old"):
        assert readme_verify(header, BODY, secret)
        signature_verify(header=header, body=BODY, secret=secret)
    assert not readme_verify(header, BODY, "whsec_other")


@pytest.mark.parametrize("header", ["", "v1=abc", "t=abc,v1=abc", "t=1767225600", "garbage"])
def test_malformed_headers_are_refused(header):
    with pytest.raises(SignatureError):
        signature_verify(header=header, body=BODY, secret="whsec_a", now=1767225600)
    assert not readme_verify(header, BODY, "whsec_a")


def test_the_retry_schedule_backs_off_exponentially_over_three_days():
    minutes = [int(offset.total_seconds() // 60) for offset in retry_schedule()]
    assert minutes == [0, 1, 5, 21, 85, 341, 1061, 1781, 2501, 3221, 3941, 4320]
    assert retry_schedule()[-1] == RETRY_WINDOW
    delays = [retry_delay(attempts=n).total_seconds() for n in range(1, 8)]
    assert delays[:5] == [60, 240, 960, 3840, 15360]  # x4 each time
    assert delays[5:] == [43200, 43200]  # capped at 12 h


def test_the_readme_shows_the_receiver_the_tests_use():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    code = (root / "scripts" / "webhook_receiver.py").read_text().split("\n", 2)[2].lstrip("\n")
    readme = (root / "README.md").read_text()
    assert f"```python\n{code}```" in readme
    assert len(code.splitlines()) <= 32
