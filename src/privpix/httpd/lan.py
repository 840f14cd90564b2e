"""The addresses another device on the network can open, and a QR code of one for a phone's camera.

Addresses come from the host name's own entries and from the routing table's choice of source
address (a UDP socket ``connect`` only selects a route: it sends no packet). Loopback and
link-local addresses are left out: a phone cannot reach them.
"""

from __future__ import annotations

import ipaddress
import socket


def _usable(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _routed_source(family: socket.AddressFamily, probe: str) -> str | None:
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))  # no packet leaves: connect() on UDP only picks the route
            return str(s.getsockname()[0])
    except OSError:
        return None


def lan_addresses(host: str) -> list[str]:
    """The addresses of this computer that ``host`` (what the server listens on) makes reachable
    from other devices, best first; empty for a loopback-only server."""
    if host not in ("0.0.0.0", "::", ""):
        return [host] if _usable(host) else []
    found: list[str] = []
    routed = _routed_source(socket.AF_INET, "192.0.2.1")  # TEST-NET-1: never a real destination
    if routed:
        found.append(routed)
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        infos = []
    found += [str(info[4][0]) for info in infos]
    return [a for a in dict.fromkeys(found) if _usable(a)]


def url_for(address: str, port: int, scheme: str) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"{scheme}://{host}:{port}/"


def qr_text(url: str) -> str:
    """``url`` as a QR code drawn with block characters, for a terminal (needs the ``https`` extra: segno)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()
