"""`spec.notifications`: a run's events POSTed to webhooks, CloudEvents structured mode, each body signed.

A receiver gets its matching events one POST each, in order; a failed POST (a connection error, a 5xx, a 429) is
tried again with back-off, or after the receiver's `Retry-After`. Each receiver has its `timeout` for all of it,
retries included, and the receivers are served side by side: a receiver that fails or hangs costs the run at most
the longest timeout, and never fails it. What was not delivered is returned, to be said.

A receiver's address comes from a pull request's `alchemesh.yaml`: it is resolved once, every address it resolves
to must be public (loopback, private, link-local, multicast and reserved ones only when the Mesh lists their
network in `notificationNetworks`), the connection goes to the address that was checked (no second lookup), and
a redirect is never followed. Each body is signed twice with the secret of `secretEnv` (which must start with
`ALCHEMESH_WEBHOOK_`): HMAC-SHA256 of the body in `X-Alchemesh-Signature`, and the Standard Webhooks scheme
(`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…` over `id.timestamp.body`) so receivers can refuse
replays.
"""

from __future__ import annotations

import base64
import email.utils
import fnmatch
import hashlib
import hmac
import http.client
import ipaddress
import json
import os
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SIGNATURE = "X-Alchemesh-Signature"
SECRET_PREFIX = "ALCHEMESH_WEBHOOK_"
_ATTEMPTS = 3
_BACKOFF = 0.25  # seconds before the second attempt; doubled for each next


@dataclass(frozen=True)
class Undelivered:
    url: str
    events: int
    why: str


def matching(events: list[dict[str, Any]], types: list[str], domains: list[str]) -> list[dict[str, Any]]:
    """The events a receiver asked for: of its types (globs), of its domains (the subject's first part)."""
    out = []
    for event in events:
        if types and not any(fnmatch.fnmatchcase(event["type"], pattern) for pattern in types):
            continue
        if domains and (".contract." in event["type"] or str(event["subject"]).split("/")[0] not in domains):
            continue
        out.append(event)
    return out


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`; a `whsec_` secret is the
    base64 of its key, any other secret is the key's bytes."""
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def deliver(events: list[dict[str, Any]], notifications, environ: Mapping[str, str] = os.environ,
            networks: Sequence[str] = ()) -> list[Undelivered]:
    """POST each notification's events; returns what could not be delivered, by receiver. `networks`: the Mesh's
    `notificationNetworks`, the non-public networks a receiver may be in."""
    results: list[Undelivered | None] = [None] * len(notifications)
    allowed = tuple(filter(None, map(_network, networks)))

    def serve(i: int, notification) -> None:
        chosen = matching(events, notification.match.types, notification.match.domains)
        if chosen:
            results[i] = _serve(notification, chosen, environ, allowed)

    threads = [threading.Thread(target=serve, args=(i, n), daemon=True) for i, n in enumerate(notifications)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + max((n.timeout for n in notifications), default=0) + 1.0
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    return [r for r in results if r is not None]


def _serve(notification, events: list[dict[str, Any]], environ: Mapping[str, str],
           allowed: tuple) -> Undelivered | None:
    name = notification.secretEnv
    if name and not name.startswith(SECRET_PREFIX):  # the model refuses it too: never sign with another secret
        return Undelivered(notification.url, len(events), f"`secretEnv` must start with {SECRET_PREFIX}: nothing sent")
    secret = environ.get(name) if name else None
    if name and not secret:
        return Undelivered(notification.url, len(events), f"${name} is not set: nothing signed, nothing sent")
    deadline = time.monotonic() + notification.timeout
    try:
        target = _Target.resolve(notification.url, allowed)
    except _Refused as refused:
        return Undelivered(notification.url, len(events), str(refused))
    for sent, event in enumerate(events):
        body = json.dumps(event, ensure_ascii=False, sort_keys=True).encode()
        why = _post(target, str(event.get("id", sent)), body, secret, deadline)
        if why is not None:
            return Undelivered(notification.url, len(events) - sent, why)
    return None


def _network(text: str):
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:  # the schema refuses it too
        return None


class _Refused(Exception):
    pass


@dataclass(frozen=True)
class _Target:
    """A receiver resolved once and checked: where to connect, and what to say in the request."""

    scheme: str
    host: str
    address: str
    port: int
    path: str

    @classmethod
    def resolve(cls, url: str, allowed: tuple) -> _Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
            raise _Refused("not an http(s) URL without credentials: nothing sent")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise _Refused(f"cannot resolve {parts.hostname}: {getattr(error, 'strerror', None) or error}") from None
        addresses = sorted({str(info[4][0]) for info in found})
        for address in addresses:
            ip = ipaddress.ip_address(str(address).split("%", 1)[0])
            mapped = getattr(ip, "ipv4_mapped", None)
            ip = mapped or ip
            if not _public(ip) and not any(ip in network for network in allowed):
                raise _Refused(f"{parts.hostname} resolves to {ip}, a {_scope(ip)} address: a receiver there must be "
                               "in the Mesh's `notificationNetworks`; nothing sent")
        if not addresses:
            raise _Refused(f"{parts.hostname} resolves to no address")
        path = parts.path or "/"
        return cls(parts.scheme, parts.hostname, addresses[0], port, path + (f"?{parts.query}" if parts.query else ""))

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return _PinnedHTTPS(self.host, self.address, self.port, timeout)
        return _PinnedHTTP(self.host, self.address, self.port, timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]  # the name's certificate


def _public(ip) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


def _scope(ip) -> str:
    for test, said in (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_multicast", "multicast"),
                       ("is_private", "private"), ("is_unspecified", "unspecified")):
        if getattr(ip, test, False):
            return said
    return "reserved"


def _post(target: _Target, message_id: str, body: bytes, secret: str | None, deadline: float) -> str | None:
    """None when delivered, else why not (after the attempts the deadline leaves)."""
    why = "no time left"
    for attempt in range(_ATTEMPTS):
        left = deadline - time.monotonic()
        if left <= 0:
            return f"{why}; the receiver's timeout passed"
        headers = {"Content-Type": "application/cloudevents+json; charset=utf-8", "User-Agent": "alchemesh"}
        if secret:
            stamp = int(time.time())
            headers[SIGNATURE] = signature(secret, body)
            headers.update({"webhook-id": message_id, "webhook-timestamp": str(stamp),
                            "webhook-signature": standard_signature(secret, message_id, stamp, body)})
        pause = _BACKOFF * 2 ** attempt
        connection = target.connection(left)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if 200 <= response.status < 300:
                return None
            why = f"HTTP {response.status}"
            if 300 <= response.status < 400:
                return f"{why}: a redirect, not followed"
            if response.status < 500 and response.status != 429:
                return why  # the receiver refuses it: asking again will not change that
            pause = _retry_after(response.getheader("Retry-After"), pause)
        except (OSError, http.client.HTTPException) as error:
            why = str(getattr(error, "strerror", None) or error) or type(error).__name__
        finally:
            connection.close()
        if attempt + 1 < _ATTEMPTS:
            if time.monotonic() + pause >= deadline:
                return f"{why}; trying again in {pause:g} s would pass the receiver's timeout"
            time.sleep(pause)
    return f"{why} ({_ATTEMPTS} attempts)"


def _retry_after(value: str | None, default: float) -> float:
    """Seconds from a `Retry-After` header (a number, or an HTTP date); the back-off when there is none."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(when.timestamp() - time.time(), 0.0)
