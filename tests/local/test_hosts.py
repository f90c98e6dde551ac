"""The Host allow-list of the local servers: their own loopback names with their port, the address they are bound
to, and on a server bound to every interface any address typed as digits, but never a name of another site."""

from __future__ import annotations

import pytest

from carjunction.local.hosts import HostAllowList

EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - a bind address to check, nothing is bound here


@pytest.mark.parametrize(
    ("bound", "host", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "localhost:8000", True),
        ("127.0.0.1", "Localhost:8000", True),
        ("127.0.0.1", "[::1]:8000", False),  # not listening there
        ("127.0.0.1", "127.0.0.1:8001", False),
        ("127.0.0.1", "127.0.0.1", False),  # port 80
        ("127.0.0.1", "evil.example:8000", False),
        ("127.0.0.1", "localhost.evil.example:8000", False),
        ("127.0.0.1", "127.0.0.1:8000 ", True),
        ("127.0.0.1", "127.0.0.1:8000, evil.example", False),
        ("127.0.0.1", "user@127.0.0.1:8000", False),
        ("127.0.0.1", "", False),
        ("::1", "[::1]:8000", True),
        ("::1", "localhost:8000", True),
        ("devbox.lan", "devbox.lan:8000", True),
        # Bound to every interface: the machine's addresses, typed as digits, are answered; names still are not
        (EVERY_INTERFACE, "192.168.1.20:8000", True),
        (EVERY_INTERFACE, "[fe80::1]:8000", True),
        (EVERY_INTERFACE, "evil.example:8000", False),
        (EVERY_INTERFACE, "192.168.1.20:8001", False),
    ],
)
def test_which_hosts_are_answered(bound: str, host: str, allowed: bool) -> None:
    assert HostAllowList.for_server(bound, 8000).allows(host) is allowed


def test_port_80_may_be_left_out_as_browsers_do() -> None:
    hosts = HostAllowList.for_server("127.0.0.1", 80)
    assert hosts.allows("localhost")
    assert hosts.allows("localhost:80")


def test_its_origins_are_its_names_with_its_port() -> None:
    assert HostAllowList.for_server("127.0.0.1", 5000).origins == {"http://127.0.0.1:5000", "http://localhost:5000"}
