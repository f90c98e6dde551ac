"""Which Host headers a local server answers. A page on any website can point a name it owns at 127.0.0.1 (DNS
rebinding) and then talk to a loopback server as its own origin; the browser then sends that name as Host. So
the local servers answer only the names a developer's own browser uses for them: 127.0.0.1, localhost and the
address it is bound to (--host; [::1] when bound there), each with the server's port."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

LOOPBACK_NAMES = ("127.0.0.1", "localhost")  # [::1] joins them when the server is bound there
# A server bound to every interface is reached by the machine's addresses, which we cannot list reliably.
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - names to recognise, not to bind
# name-or-[IPv6] and an optional port, in ASCII: anything else is not a Host a browser sends.
HOST_VALUE = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::([0-9]{1,5}))?")


def _name(host: str) -> str:
    """A bind address as it appears in a Host header: an IPv6 address in brackets, names in lower case."""
    host = host.strip().lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def _split(value: str) -> tuple[str, int | None] | None:
    """("name", port) from a Host header value, or None when it cannot be one."""
    match = HOST_VALUE.fullmatch(value.strip().lower())
    if match is None:
        return None
    return match[1], int(match[2]) if match[2] else None


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostAllowList:
    """The Host values one server answers: its loopback names (and --host) with its port."""

    port: int
    names: frozenset[str]
    # Bound to every interface: any address typed as digits is also answered (a rebinding page always sends a
    # name, never an address, because the browser's origin is the name it resolved).
    any_address: bool = False

    @classmethod
    def for_server(cls, bound_host: str, port: int) -> HostAllowList:
        names = set(LOOPBACK_NAMES)
        if bound_host.strip() not in WILDCARD_BINDS:
            names.add(_name(bound_host))
        return cls(port, frozenset(names), any_address=bound_host.strip() in WILDCARD_BINDS)

    def allows(self, value: str | None) -> bool:
        parsed = _split(value) if value else None
        if parsed is None:
            return False
        name, port = parsed
        # A browser leaves out the port only when it is the scheme's default.
        if (port if port is not None else 80) != self.port:
            return False
        return name in self.names or (self.any_address and _is_ip_literal(name))

    @property
    def origins(self) -> frozenset[str]:
        """The http:// origins of these names, as a browser's Origin header on a page this server served."""
        return frozenset(f"http://{name}:{self.port}" for name in self.names)
