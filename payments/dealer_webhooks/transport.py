"""The one HTTP POST of a delivery, made to an address we checked (SSRF and DNS rebinding).

An endpoint's URL is checked when an Admin saves it, but a name that resolved to a public
address then may resolve to 127.0.0.1 (or the cloud's metadata address) at send time. So each
attempt:

1. resolves the host once (`host_addresses`);
2. outside development refuses it unless EVERY address is public: no loopback, private,
   carrier-grade NAT, link-local, multicast, reserved or unspecified address, IPv4 addresses
   hidden in IPv6 (mapped, 6to4, Teredo, NAT64) included;
3. connects to one of those very addresses (no second lookup by the HTTP library), sending the
   original host name in `Host` and in TLS SNI; the certificate is verified against that host
   name (Python's ssl `check_hostname`), so a checked IP never weakens TLS.

Development (`OUTBOUND_WEBHOOKS_ALLOW_INSECURE`, on with DEBUG or DJANGO_DEVELOPMENT, and always off
outside development whatever the environment says) allows plain http and local addresses: the
local receiver of `make run` and the tests. Certificates are checked against certifi's CAs.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
RESPONSE_READ = 4096  # bytes of the receiver's answer read (the log keeps 1,000 characters)


class AddressRefused(Exception):
    """The URL may not receive webhooks (its message is shown in the delivery log)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    hostname: str
    port: int
    path: str  # path and query, as sent on the request line
    host_header: str
    addresses: tuple[str, ...]  # checked, in the resolver's order


def insecure_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_WEBHOOKS_ALLOW_INSECURE", False))


def address_is_public(address: Address) -> bool:
    """A public unicast address on the internet (IPv4 hidden in IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_is_public(embedded)
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _kind(address: Address) -> str:
    for test, name in (
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_unspecified", "an unspecified"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    ):
        if getattr(address, test):
            return name
    return "a non-public"


def host_addresses(hostname: str, port: int) -> list[Address]:
    """Every address the host name resolves to (one lookup), in the resolver's order."""
    infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    seen: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # drop an IPv6 scope id
        if address not in seen:
            seen.append(address)
    return seen


def target_resolve(url: str) -> Target:
    """Where to send: the checked addresses of the URL's host. Raises AddressRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused("The URL must start with https://.")
    insecure = insecure_allowed()
    if parts.scheme != "https" and not insecure:
        raise AddressRefused("The URL must start with https:// (plain http is allowed only in development).")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("The URL's port is not a number from 1 to 65535.")
    hostname = parts.hostname
    try:
        addresses = host_addresses(hostname, port)
    except (OSError, UnicodeError):
        raise AddressRefused(f"The host {hostname} could not be resolved.")
    if not addresses:
        raise AddressRefused(f"The host {hostname} could not be resolved.")
    if not insecure:
        for address in addresses:
            if not address_is_public(address):
                where = (
                    f"is {_kind(address)}"
                    if hostname == str(address)
                    else (f"resolves to {address}, {_kind(address)}")
                )
                shown = f"[{hostname}]" if ":" in hostname else hostname
                raise AddressRefused(
                    f"Refused: {shown} {where} address; only public addresses receive webhooks "
                    "outside development."
                )
    default_port = 443 if parts.scheme == "https" else 80
    bracketed = f"[{hostname}]" if ":" in hostname else hostname
    return Target(
        scheme=parts.scheme,
        hostname=hostname,
        port=port,
        path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        host_header=bracketed if port == default_port else f"{bracketed}:{port}",
        addresses=tuple(str(address) for address in addresses),
    )


def _pool(target: Target, address: str, *, timeout: float):
    options = {"timeout": urllib3.Timeout(total=timeout), "retries": False, "maxsize": 1}
    if target.scheme == "http":
        return urllib3.HTTPConnectionPool(address, target.port, **options)
    return urllib3.HTTPSConnectionPool(
        address,
        target.port,
        server_hostname=target.hostname,  # SNI, and the name the certificate must carry
        cert_reqs="CERT_REQUIRED",
        # OUTBOUND_WEBHOOK_CA_BUNDLE: the tests' own CA (not a setting of config/settings.py)
        ca_certs=getattr(settings, "OUTBOUND_WEBHOOK_CA_BUNDLE", "") or _default_ca_bundle(),
        **options,
    )


def _default_ca_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # pragma: no cover - requests depends on certifi
        return None
    return certifi.where()


def webhook_post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> dict:
    """POST once; a dict for the delivery log: succeeded, response_status, response_body, error,
    duration_ms. Never raises for the receiver's faults."""
    started = time.monotonic()
    try:
        target = target_resolve(url)
    except AddressRefused as exc:
        return {"succeeded": False, "error": str(exc), "duration_ms": _ms(started)}
    headers = {**headers, "Host": target.host_header}
    error = ""
    for address in target.addresses:  # another checked address only if this one refused the connection
        pool = _pool(target, address, timeout=timeout)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=headers,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
        except NewConnectionError:  # (a subclass of urllib3's timeout error: first)
            error = f"Could not connect to {target.hostname} ({address}:{target.port})"
            pool.close()
            continue
        except (Urllib3Timeout, TimeoutError):
            pool.close()
            return {"succeeded": False, "error": "Timed out", "duration_ms": _ms(started)}
        except SSLError as exc:
            pool.close()
            return {"succeeded": False, "error": f"TLS failed: {exc}"[:300], "duration_ms": _ms(started)}
        except (HTTPError, OSError) as exc:
            pool.close()
            return {
                "succeeded": False,
                "error": f"Could not connect: {type(exc).__name__}",
                "duration_ms": _ms(started),
            }
        try:
            answer = response.read(RESPONSE_READ, decode_content=True) or b""
        except (HTTPError, OSError):
            answer = b""
        finally:
            response.release_conn()
            pool.close()
        status = response.status
        return {
            "succeeded": 200 <= status < 300,
            "response_status": status,
            "response_body": answer.decode("utf-8", "replace"),
            "error": "" if 200 <= status < 300 else f"HTTP {status}",
            "duration_ms": _ms(started),
        }
    return {"succeeded": False, "error": error, "duration_ms": _ms(started)}


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
