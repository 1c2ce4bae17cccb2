"""`spec.notifications`: a run's events POSTed to webhooks, CloudEvents structured mode, each body signed.

A receiver gets its matching events one POST each, in order; a failed POST (a connection error, a 5xx, a 429) is
tried again with back-off. Each receiver has its `timeout` for all of it, retries included, and the receivers are
served side by side: a receiver that fails or hangs costs the run at most the longest timeout, and never fails it.
What was not delivered is returned, to be said.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SIGNATURE = "X-Alchemesh-Signature"
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


def deliver(events: list[dict[str, Any]], notifications, environ: Mapping[str, str] = os.environ) -> list[Undelivered]:
    """POST each notification's events; returns what could not be delivered, by receiver."""
    results: list[Undelivered | None] = [None] * len(notifications)

    def serve(i: int, notification) -> None:
        chosen = matching(events, notification.match.types, notification.match.domains)
        if chosen:
            results[i] = _serve(notification, chosen, environ)

    threads = [threading.Thread(target=serve, args=(i, n), daemon=True) for i, n in enumerate(notifications)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + max((n.timeout for n in notifications), default=0) + 1.0
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    return [r for r in results if r is not None]


def _serve(notification, events: list[dict[str, Any]], environ: Mapping[str, str]) -> Undelivered | None:
    secret = environ.get(notification.secretEnv) if notification.secretEnv else None
    if notification.secretEnv and not secret:
        return Undelivered(notification.url, len(events), f"${notification.secretEnv} is not set: nothing signed, "
                                                          "nothing sent")
    deadline = time.monotonic() + notification.timeout
    for sent, event in enumerate(events):
        body = json.dumps(event, ensure_ascii=False, sort_keys=True).encode()
        why = _post(notification.url, body, secret, deadline)
        if why is not None:
            return Undelivered(notification.url, len(events) - sent, why)
    return None


def _post(url: str, body: bytes, secret: str | None, deadline: float) -> str | None:
    """None when delivered, else why not (after the attempts the deadline leaves)."""
    headers = {"Content-Type": "application/cloudevents+json; charset=utf-8", "User-Agent": "alchemesh"}
    if secret:
        headers[SIGNATURE] = signature(secret, body)
    why = "no time left"
    for attempt in range(_ATTEMPTS):
        left = deadline - time.monotonic()
        if left <= 0:
            return f"{why}; the receiver's timeout passed"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=left) as response:  # noqa: S310 (http(s) by the model)
                response.read()
            return None
        except urllib.error.HTTPError as error:
            why = f"HTTP {error.code}"
            if error.code < 500 and error.code != 429:
                return why  # the receiver refuses it: asking again will not change that
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            why = str(getattr(error, "reason", error)) or type(error).__name__
        pause = _BACKOFF * 2 ** attempt
        if attempt + 1 < _ATTEMPTS and time.monotonic() + pause < deadline:
            time.sleep(pause)
    return f"{why} ({_ATTEMPTS} attempts)"
