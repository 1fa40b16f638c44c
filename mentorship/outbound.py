"""HTTP requests to addresses coordinators type in (webhooks, chat channels), made safe.

A URL a coordinator registers must not let the server reach what only it can reach (the
database, the cache, a cloud metadata service): its host is resolved, every address it
resolves to must be public, and the connection goes to the address that was checked, so
that a DNS answer changed in between cannot point it elsewhere. Redirects are not
followed. ``settings.OUTBOUND_ALLOW_PRIVATE`` lifts the address check (tests and local
development, whose receivers listen on 127.0.0.1).
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RESPONSE_EXCERPT = 500


class OutboundError(Exception):
    """The request could not be made or got no answer; the message says why."""


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_check(url: str) -> None:
    """Refuse what could never be delivered safely, with a reason a coordinator can read
    (on the ``url`` field). The addresses are checked again at each delivery: DNS may change."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError({"url": _("Give a full web address starting with https://.")})
    if parts.scheme == "http" and not settings.OUTBOUND_ALLOW_PRIVATE:
        raise ValidationError({"url": _("Use https:// so that deliveries are encrypted.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave user names and passwords out of the address.")})
    try:
        _resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OutboundError as error:
        raise ValidationError({"url": str(error)}) from None


def _resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundError(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OutboundError(_("The host %(host)s could not be found.") % {"host": host})
    if not settings.OUTBOUND_ALLOW_PRIVATE and not all(_public(a) for a in addresses):
        raise OutboundError(
            _("%(host)s is a private or local address; only public addresses can be used.") % {"host": host}
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, not the address connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` and return the status and the start of the answer.
    Raises OutboundError when no answer came (refused address, DNS, timeout, TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise OutboundError(_("Not a web address."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _resolve(parts.hostname, port)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address=address, timeout=settings.OUTBOUND_TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers={"User-Agent": f"{settings.SITE_NAME} webhooks", **headers})
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        return Answer(status=response.status, excerpt=excerpt)
    except (OSError, http.client.HTTPException) as error:
        raise OutboundError(str(error) or error.__class__.__name__) from None
    finally:
        connection.close()
