"""SSRF guard: which webhook targets may be called, checked when saved and when connecting.

Unless private targets are allowed, a URL is refused when its host is (or resolves
to) an address that is not publicly routable: loopback, private, link-local (cloud
metadata), CGNAT, unspecified, multicast, reserved, or an IPv6 form wrapping one
of those (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo). Numeric hosts are read
the way browsers and `inet_aton` read them (`2130706433`, `0x7f000001`, `127.1`).

At send time the connection is made by `GuardedBackend`: it resolves the name
itself, checks every address, and connects to a checked address, so a name that
resolves to a public address when saved and to a private one later (DNS
rebinding) cannot slip through. TLS still verifies the certificate against the
name, and the Host header is the URL's. The lookup counts against the attempt's
deadline like the rest of the exchange.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
import typing
from concurrent.futures import Future
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class TargetRefused(ValueError):
    """The URL may not be called; the message says why."""


class ResolutionFailed(OSError):
    """The host name did not resolve."""


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to. Tests replace this to simulate DNS rebinding."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_before(host: str, port: int, deadline: float) -> list[str]:
    """`resolve`, given up at the deadline; `ResolutionFailed` when it fails. getaddrinfo
    has no timeout of its own (a name server that never answers holds it 20-40 s), so
    it runs in a thread of its own, left to finish alone when time runs out."""
    answer: Future[list[str]] = Future()

    def lookup() -> None:
        try:
            answer.set_result(resolve(host, port))
        except Exception as exc:
            answer.set_exception(exc)

    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    try:
        return answer.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:  # before OSError, of which it is a kind
        raise ResolutionFailed(f"could not resolve {host}: no answer before the timeout") from None
    except (OSError, UnicodeError) as exc:
        raise ResolutionFailed(f"could not resolve {host}: {exc}") from None


def _ipv4_part(part: str) -> int | None:
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Numeric IPv4 in any form `inet_aton` accepts: 1-4 parts, decimal/hex/octal."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_part(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    values = typing.cast(list[int], numbers)
    *head, last = values
    if any(value > 255 for value in head) or last >= 256 ** (5 - len(values)):
        return None
    address = last
    for index, value in enumerate(head):
        address += value << (8 * (3 - index))
    return ipaddress.IPv4Address(address)


def ip_literal(host: str) -> IPAddress | None:
    """The address a host names directly, or None for a DNS name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if ":" in host:  # an IPv6 literal that does not parse, e.g. with a zone id
        try:
            return ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return None
    return _legacy_ipv4(host)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal_reason(ip: IPAddress) -> str | None:
    """Why connecting to `ip` is refused, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None:
            return f"{ip} is a Teredo tunnel address"
        if ip.is_site_local:  # deprecated, yet `is_global` on some Python versions
            return f"{ip} is a site-local address"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = refusal_reason(embedded)
            return f"{ip} wraps {embedded}: {inner}" if inner else None
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address (cloud metadata lives here)"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
    )
    for hit, what in checks:
        if hit:
            return f"{ip} is {what}"
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"):
        return f"{ip} is a shared (CGNAT) address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; `TargetRefused` for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "a missing scheme"
        raise TargetRefused(f"only http:// and https:// URLs are allowed, not {shown}")
    host = parts.hostname
    if not host:
        raise TargetRefused("the URL has no host")
    if ip_literal(host) is None and not _is_host_name(host):
        raise TargetRefused(f"'{host}' is not a valid host name")
    if port == 0:
        raise TargetRefused("not a valid URL: port 0 cannot be connected to")
    if "%" in host:
        raise TargetRefused(
            "not a valid URL: an IPv6 zone id (%…) names a network interface of one "
            "machine, and cannot be sent"
        )
    _check_sendable(url.strip())
    return scheme, host, port or DEFAULT_PORTS[scheme]


def _check_sendable(url: str) -> None:
    """httpx, which sends the request, reads a URL more strictly than `urlsplit`
    (which drops tabs and newlines, ignores junk after a port, and knows only IDNA
    2003): what it would refuse at every attempt is refused here."""
    try:
        httpx.Request("POST", url)  # as sent: its Host header decodes xn-- labels (IDNA 2008)
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise TargetRefused(f"not a valid URL: {exc}") from None


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def _is_host_name(host: str) -> bool:
    """Letters, digits, hyphens (and underscores, which private names use) in dot-separated
    labels, after IDNA encoding of international names."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.lower().removesuffix(".").split(".")
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


def check_address(ip: IPAddress, allow_private: bool) -> None:
    if allow_private:
        return
    reason = refusal_reason(ip)
    if reason:
        raise TargetRefused(reason)


def checked_addresses(
    host: str, port: int, allow_private: bool, deadline: float
) -> list[IPAddress]:
    """Resolve `host` (by `deadline`, a `time.monotonic()`) and check every address;
    the connection must use one of these."""
    literal = ip_literal(host)
    if literal is not None:
        check_address(literal, allow_private)
        return [literal]
    name = host.lower().rstrip(".")
    if not allow_private and (name == "localhost" or name.endswith(".localhost")):
        raise TargetRefused(f"{host} is a loopback name")
    names = _resolve_before(host, port, deadline)
    if not names:
        raise ResolutionFailed(f"could not resolve {host}: no addresses")
    addresses = [ipaddress.ip_address(name.split("%", 1)[0]) for name in names]
    for address in addresses:
        try:
            check_address(address, allow_private)
        except TargetRefused as exc:
            raise TargetRefused(f"{host} resolves to a refused address: {exc}") from None
    return addresses


def check_url(url: str, allow_private: bool, timeout: float = 10.0) -> None:
    """The save-time check. A name that does not resolve (within `timeout`) is
    accepted: the connect-time check still applies to whatever it resolves to later."""
    _, _, port = split_url(url)
    if allow_private:
        return
    # The name as httpx sends it (IDNA 2008: `faß.de` is `xn--fa-hia.de`, not `fass.de`).
    host = httpx.URL(url.strip()).raw_host.decode("ascii")
    try:
        checked_addresses(host, port, allow_private, time.monotonic() + timeout)
    except ResolutionFailed:
        return


class _DeadlineStream(httpcore.NetworkStream):
    """Caps every read and write by one deadline, so a server trickling bytes cannot
    stretch an attempt past the configured timeout."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _remaining(self, timeout: float | None, error: type[Exception]) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise error("the webhook timeout elapsed")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        remaining = self._remaining(timeout, httpcore.ConnectTimeout)
        tls = self._stream.start_tls(ssl_context, server_hostname, remaining)
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses it has resolved and checked itself."""

    def __init__(self, allow_private: bool, deadline: float) -> None:
        self._allow_private = allow_private
        self._deadline = deadline
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, self._allow_private, self._deadline)
        error: Exception | None = None
        for address in addresses:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("the webhook timeout elapsed")
            limit = remaining if timeout is None else min(timeout, remaining)
            try:
                stream = self._backend.connect_tcp(
                    str(address), port, limit, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise TargetRefused("unix sockets are not webhook targets")
