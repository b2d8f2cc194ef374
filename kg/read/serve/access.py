"""Who may call the endpoint: the names a request's Host may give, and the origins allowed.

Why a module of its own: these are the endpoint's defences against DNS rebinding
(a Host header that does not name this server) and against pages elsewhere that
post queries (an Origin not allowed); they are parsing rules with their own
pitfalls (IPv6 brackets, ports, trailing dots), kept apart from the HTTP plumbing.
"""

from __future__ import annotations

import socket

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def split_host(value: str) -> tuple[str, int | None] | None:
    """``name[:port]`` or ``[v6][:port]`` as (lower-case name, port); None when malformed."""
    value = value.strip()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] if rest else None
    else:
        name, sep, port = value.rpartition(":")
        if not sep:
            name, port = value, None
        elif ":" in name:  # an IPv6 address without brackets
            return None
    if port is not None and not (port.isascii() and port.isdigit() and len(port) <= 5):
        return None
    name = name.rstrip(".").lower()
    if not name or any(c.isspace() or c in "/\\@" for c in name):
        return None
    return name, (int(port) if port is not None else None)


def own_names(host: str) -> set[str]:
    """The names by which clients may call a server bound to ``host``."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return {*LOOPBACK_NAMES, host}
    if host in ("", "0.0.0.0", "::"):
        names = {*LOOPBACK_NAMES}
        try:
            hostname = socket.gethostname()
            names |= {hostname.lower(), socket.getfqdn().lower()}
            names |= {a.lower() for a in socket.gethostbyname_ex(hostname)[2]}
        except OSError:
            pass
        return names
    return {host}


def normal_origin(origin: str) -> str:
    return origin.strip().lower().rstrip("/")
