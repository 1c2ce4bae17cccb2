"""`spec.notifications` against real HTTP servers on 127.0.0.1: one that checks every signature and keeps what it
got, one that fails, one that hangs — a failing or hanging receiver costs the run its timeout at most, and what
was not delivered is said."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alchemesh.model.resources import Notification
from alchemesh.report.deliver import SIGNATURE, deliver, matching

SECRET = "s3cret"


def _event(i: int, kind: str = "io.alchemesh.stack.applied", subject: str = "sales/orders") -> dict:
    return {"specversion": "1.0", "id": f"id-{i}", "source": "/alchemesh/m/dev", "type": kind, "subject": subject,
            "time": "2026-06-01T12:00:00.000Z", "datacontenttype": "application/json", "data": {"i": i}}


@contextlib.contextmanager
def receiver(behaviour: str):
    """A server on loopback: `ok` (checks the signature, keeps the events), `fail` (HTTP 500), `hang` (never
    answers in time), `refuse` (HTTP 400). Yields (url, what it received, how many requests)."""
    got: list[dict] = []
    hits = [0]  # requests received; a hanging receiver adds one more when it finally answers
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hits[0] += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if behaviour == "hang":
                stop.wait(30)
                hits[0] += 1000  # it answered: only when the test is over
                return
            code = {"fail": 500, "refuse": 400}.get(behaviour, 204)
            if behaviour == "ok":
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                assert self.headers["Content-Type"].startswith("application/cloudevents+json")
                if hmac.compare_digest(self.headers.get(SIGNATURE, ""), expected):
                    got.append(json.loads(body))
                else:
                    code = 401
            self.send_response(code)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got, hits
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_signed_events_arrive_in_order_at_a_receiver_that_checks_them():
    events = [_event(i) for i in range(5)]
    with receiver("ok") as (url, got, _):
        missed = deliver(events, [Notification(url=url, secretEnv="HOOK_SECRET")], {"HOOK_SECRET": SECRET})
    assert missed == [] and got == events


def test_a_wrong_secret_is_refused_by_the_receiver_and_said():
    with receiver("ok") as (url, got, hits):
        (missed,) = deliver([_event(1)], [Notification(url=url, secretEnv="HOOK_SECRET")], {"HOOK_SECRET": "wrong"})
    assert got == [] and missed.why == "HTTP 401" and hits[0] == 1  # a 4xx is not asked again


def test_a_missing_secret_sends_nothing():
    with receiver("ok") as (url, got, hits):
        (missed,) = deliver([_event(1)], [Notification(url=url, secretEnv="HOOK_SECRET")], {})
    assert hits[0] == 0 and "$HOOK_SECRET is not set" in missed.why


def test_a_failing_receiver_is_tried_with_back_off_then_said_and_others_still_get_theirs():
    events = [_event(i) for i in range(3)]
    with receiver("fail") as (bad, _, hits), receiver("ok") as (good, got, _):
        missed = deliver(events, [Notification(url=bad, timeout=5), Notification(url=good, secretEnv="S")],
                         {"S": SECRET})
    assert got == events
    (failed,) = missed
    assert failed.url == bad and failed.events == 3 and failed.why == "HTTP 500 (3 attempts)" and hits[0] == 3


def test_a_hanging_receiver_costs_its_timeout_and_no_more():
    with receiver("hang") as (url, _, hits), receiver("ok") as (good, got, _):
        missed = deliver([_event(1), _event(2)], [Notification(url=url, timeout=1.5),
                                                   Notification(url=good, secretEnv="S")], {"S": SECRET})
        assert hits[0] < 1000  # deliver came back while the receiver still hung: its timeout ended the wait
    assert len(got) == 2  # served side by side: the good one got everything
    (hung,) = missed
    assert hung.events == 2 and "timeout" in hung.why


def test_nobody_listening_is_said():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (missed,) = deliver([_event(1)], [Notification(url=f"http://127.0.0.1:{port}/x", timeout=2)], {})
    assert "refused" in missed.why.lower()


@pytest.mark.parametrize(("types", "domains", "subjects"), [
    ([], [], ["sales/orders", "marketing/x", "sales/orders/orders", "urn:c"]),
    (["io.alchemesh.test.*"], [], ["sales/orders/orders"]),
    ([], ["sales"], ["sales/orders", "sales/orders/orders"]),
    (["io.alchemesh.stack.*", "io.alchemesh.contract.breaking"], [], ["sales/orders", "marketing/x", "urn:c"]),
])
def test_a_receiver_gets_the_types_and_domains_it_asked_for(types, domains, subjects):
    events = [_event(1), _event(2, subject="marketing/x"), _event(3, "io.alchemesh.test.failed", "sales/orders/orders"),
              _event(4, "io.alchemesh.contract.breaking", "urn:c")]
    assert [e["subject"] for e in matching(events, types, domains)] == subjects


@pytest.mark.parametrize("url", ["https://user:password@hooks.example.com/x", "ftp://hooks.example.com", "hooks"])
def test_a_url_with_a_credential_or_not_http_is_refused(url):
    with pytest.raises(ValueError):
        Notification(url=url)


def test_a_notification_url_with_a_password_is_a_finding_at_its_line(quickstart):
    from tests.testing import edit, run_cli

    edit(quickstart, "alchemesh.yaml", ("  compatibility: consumer\n", "  compatibility: consumer\n  notifications:\n"
                                        "    - {url: \"https://bot:hunter2@hooks.example.com/x\"}\n"))
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert finding["rule"] == "schema" and finding["file"] == "alchemesh.yaml" and finding["line"] == 32
