"""The SSRF guard's address rules, without the network."""

import ipaddress

import pytest

from product_importer.webhooks.targets import (
    TargetRefused,
    check_url,
    ip_literal,
    refusal_reason,
    split_url,
)

REFUSED_HOSTS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "0.0.0.0",
    "0",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "224.0.0.1",
    "240.0.0.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::1",
    "fd00::1",
    "fd00:ec2::254",
    "fe80::1",
    "fec0::1",
    "fec0:ec2::254",
    "ff02::1",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_non_public_addresses_are_refused(host: str) -> None:
    address = ip_literal(host)
    assert address is not None, f"{host} should read as an address"
    assert refusal_reason(address), f"{host} ({address}) should be refused"


@pytest.mark.parametrize("host", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(host: str) -> None:
    address = ip_literal(host)
    assert address is not None
    assert refusal_reason(address) is None


def test_numeric_hosts_read_like_inet_aton() -> None:
    assert ip_literal("2130706433") == ipaddress.ip_address("127.0.0.1")
    assert ip_literal("0x7f000001") == ipaddress.ip_address("127.0.0.1")
    assert ip_literal("127.1") == ipaddress.ip_address("127.0.0.1")
    assert ip_literal("10.1.2") == ipaddress.ip_address("10.1.0.2")
    assert ip_literal("example.com") is None
    assert ip_literal("1.2.3.4.5") is None
    assert ip_literal("256.1.1.1") is None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "ftp://example.com/",
        "example.com/x",
        "http://",
        "http://exa mple.com/",
        "http://-bad-.example.com/",
        "http://a..b/",
        "http://under%20score.example.com/",
    ],
)
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(TargetRefused):
        split_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/in",
        "http://my_service:8080/",
        "https://bücher.example/",
        "http://[::1]:8201/",
        "http://10.0.0.7/",
        "https://example.com./",
    ],
)
def test_host_names_ip_literals_and_international_names_are_accepted(url: str) -> None:
    split_url(url)


def test_save_check_refuses_localhost_names_only_when_guarded() -> None:
    with pytest.raises(TargetRefused):
        check_url("http://localhost:8080/x", allow_private=False)
    with pytest.raises(TargetRefused):
        check_url("http://api.localhost/x", allow_private=False)
    check_url("http://localhost:8080/x", allow_private=True)


def test_the_save_time_check_resolves_the_name_httpx_will_connect_to(monkeypatch):
    """IDNA 2008, as httpx sends it: `faß.de` is `xn--fa-hia.de` (IDNA 2003 says `fass.de`,
    another host)."""
    from product_importer.webhooks import targets

    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.215.14"]

    monkeypatch.setattr(targets, "resolve", resolve)
    targets.check_url("http://faß.de/hook", allow_private=False, timeout=2)
    assert asked == ["xn--fa-hia.de"]
