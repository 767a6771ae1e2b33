"""Which webhook URLs are accepted, and which addresses the sender refuses to call."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from tradeshield.notifications.errors import WebhookInvalid

MAX_URL_LENGTH = 2000


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise WebhookInvalid(_("The URL must start with https:// (or http://)."), field="url", code="invalid_url")
    if not parts.hostname or len(url) > MAX_URL_LENGTH:
        raise WebhookInvalid(_("The URL needs a host name."), field="url", code="invalid_url")
    if parts.username or parts.password:
        raise WebhookInvalid(_("Put credentials in the secret, not in the URL."), field="url", code="invalid_url")
    try:
        _port = parts.port
    except ValueError:
        raise WebhookInvalid(_("The URL has an invalid port."), field="url", code="invalid_url") from None
    return url


def refusal(url: str) -> str:
    """Why the sender will not call this URL now, or "": private, loopback and link-local addresses are
    refused unless TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS, so endpoints cannot reach internal services."""
    if settings.TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return ""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return f"Cannot resolve {parts.hostname}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            return f"{parts.hostname} resolves to a non-public address ({address}); refused."
    return ""
