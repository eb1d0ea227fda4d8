"""Which address phones on the venue's network should use to reach this machine.

A facilitator opens the app as http://localhost:8501 on their own laptop, and a
join link built from that address points every phone at itself. When the
browser's address is a loopback one, the join link uses the machine's LAN
address instead: the one of the interface the default route leaves by (on a
laptop, the venue's Wi-Fi), with the machine's other addresses listed for a
choice. The choice is pure (addresses in, choice out); `discover()` and
`reachable()` are the only functions here that touch the network stack.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

# Never sent anything: connecting a UDP socket only asks the kernel which source
# address it would use to reach this host, i.e. the default route's (TEST-NET-3).
_ROUTE_PROBE = ("203.0.113.1", 9)
# Bridges of containers and virtual machines: they have private addresses that no
# phone can reach, so they are offered last, never first.
_VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "podman", "cni", "lxc")


@dataclass(frozen=True)
class Interface:
    """One address of one network interface, e.g. Interface("wlan0", "192.168.1.20")."""

    name: str
    address: str


@dataclass(frozen=True)
class Choice:
    """The host for the join link (None: no LAN address at all) and the other candidates."""

    host: str | None
    others: tuple[Interface, ...] = ()
    interface: str | None = None  # the name of the chosen host's interface


def is_loopback(host: str | None) -> bool:
    """Whether a URL's host can only ever mean "this machine" (or no address at all).

    localhost (and *.localhost), 127.x.y.z, ::1, and the wildcard 0.0.0.0 / :: that
    a browser may be pointed at by a server's "listening on 0.0.0.0" line.
    """
    if not host:
        return True
    h = host.strip().strip("[]").lower().rstrip(".")
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(h.split("%", 1)[0])
    except ValueError:
        return False  # a real host name, e.g. survey.example.org
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _usable(iface: Interface) -> bool:
    try:
        ip = ipaddress.ip_address(iface.address.split("%", 1)[0])
    except ValueError:
        return False
    # Link-local (169.254.x, fe80::) addresses need a zone and are not what a phone gets.
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local or ip.is_multicast)


def _rank(iface: Interface) -> tuple[int, int]:
    virtual = iface.name.lower().startswith(_VIRTUAL_PREFIXES)
    ipv6 = ":" in iface.address  # an IPv4 address is the one people can type
    return (int(virtual), int(ipv6))


def choose(interfaces: list[Interface], default_route_address: str | None = None) -> Choice:
    """The LAN host for the join link, and the machine's other usable addresses.

    The address the default route leaves from wins; failing that, the first
    usable address, IPv4 before IPv6 and real interfaces before container or VM
    bridges. Loopback, link-local and unparsable addresses are never offered.
    """
    usable = [i for i in interfaces if _usable(i)]
    usable.sort(key=_rank)  # stable: the system's own order breaks ties
    chosen = next((i for i in usable if i.address == default_route_address), None)
    if chosen is None and usable:
        chosen = usable[0]
    if chosen is None:
        return Choice(None)
    others = tuple(i for i in usable if i != chosen)
    return Choice(chosen.address, others, chosen.name)


def url_host(host: str) -> str:
    """A host as it goes into a URL: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def with_host(url: str, host: str) -> str:
    """`url` with its host replaced by `host`, keeping the scheme, port and path."""
    parts = urlsplit(url)
    netloc = url_host(host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def join_base(browser_url: str, lan: Choice, public_url: str | None = None) -> str:
    """The base of the join link: SURVEY_PUBLIC_URL if set; else the browser's address,
    with a loopback host swapped for the LAN one (kept as it is if there is none)."""
    if public_url:
        return public_url.rstrip("/")
    host = urlsplit(browser_url).hostname
    if is_loopback(host) and lan.host:
        return with_host(browser_url, lan.host).rstrip("/")
    return browser_url.rstrip("/")


def link_warning(base: str, lan: Choice, reachable_from_lan: bool) -> str | None:
    """A plain warning when phones cannot open a join link starting with `base`, else None.

    `reachable_from_lan` is whether the server accepts connections on the link's
    host and port (see `reachable`).
    """
    host = urlsplit(base).hostname
    if is_loopback(host):
        if lan.host is None:
            return (
                f"Phones cannot open {base}: it is this computer's own address, and this "
                "computer has no network address. Connect it to the venue's Wi-Fi, or set "
                "SURVEY_PUBLIC_URL to the address phones use."
            )
        return (
            f"Phones cannot open {base}: it is this computer's own address. "
            "Set SURVEY_PUBLIC_URL to the address phones use."
        )
    if not reachable_from_lan:
        return (
            f"Phones cannot open {base} yet: the server only accepts connections from this "
            "computer. Restart it with `make run ADDRESS=0.0.0.0` (or set SURVEY_PUBLIC_URL "
            "to the address phones use)."
        )
    return None


def start_banner(address: str, port: int, lan: Choice, public_url: str | None = None) -> str:
    """What `make run` prints at start: the join link phones use, or why there is none."""
    listen_all = address in ("", "0.0.0.0", "::")
    lines = ["", "  Believer or Spectator"]
    if public_url:
        lines.append(f"  Phones join at {public_url.rstrip('/')}/ (SURVEY_PUBLIC_URL)")
    elif lan.host and (listen_all or address == lan.host):
        lines.append(f"  Phones join at http://{url_host(lan.host)}:{port}/")
        lines += [f"    or http://{url_host(i.address)}:{port}/ ({i.name})" for i in lan.others]
    elif lan.host:
        lines.append(
            f"  Phones cannot join: the server listens only on {address}. "
            f"Use `make run ADDRESS=0.0.0.0` to let them in."
        )
    else:
        lines.append(
            "  Phones cannot join yet: this computer has no network address. "
            "Connect it to the venue's Wi-Fi."
        )
    own = "localhost" if listen_all or is_loopback(address) else url_host(address)
    lines.append(f"  Facilitator: http://{own}:{port}/sessions\n")
    return "\n".join(lines)


# ---------------------------------------------------------------- the machine's own network


def default_route_address() -> str | None:
    """The source address of this machine's default route, or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(_ROUTE_PROBE)
            return s.getsockname()[0]
        except OSError:  # no route: not on any network
            return None


def interfaces() -> list[Interface]:
    """Every address of every interface that is up."""
    import psutil  # imported here: the pure choice above must not need it

    stats = psutil.net_if_stats()
    found = []
    for name, addrs in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for a in addrs:
            if a.family in (socket.AF_INET, socket.AF_INET6):
                found.append(Interface(name, a.address.split("%", 1)[0]))
    return found


def discover() -> Choice:
    """The LAN host of this machine, as `choose` picks it from the real interfaces."""
    return choose(interfaces(), default_route_address())


def reachable(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """Whether something accepts connections on host:port, tried from this machine.

    A server bound to 127.0.0.1 refuses its own LAN address too, so this tells
    whether phones can connect at all (a firewall or a Wi-Fi that isolates its
    clients is out of sight from here).
    """
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False
