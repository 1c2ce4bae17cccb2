"""`spec.notifications` against real HTTP servers on 127.0.0.1: one that checks every signature and keeps what it
got, one that fails, one that hangs — a failing or hanging receiver costs the run its timeout at most, and what
was not delivered is said."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alchemesh.model.resources import Notification
from alchemesh.report.deliver import SIGNATURE, deliver as deliver_anywhere, matching, standard_signature

SECRET = "s3cret"
LOOPBACK = ("127.0.0.0/8",)


def deliver(events, notifications, environ, networks=LOOPBACK):
    """The receivers here are on loopback: a Mesh that lists it in `notificationNetworks`."""
    return deliver_anywhere(events, notifications, environ, networks)


def _event(i: int, kind: str = "io.alchemesh.stack.applied", subject: str = "sales/orders") -> dict:
    return {"specversion": "1.0", "id": f"id-{i}", "source": "/alchemesh/m/dev", "type": kind, "subject": subject,
            "time": "2026-06-01T12:00:00.000Z", "datacontenttype": "application/json", "data": {"i": i}}


@contextlib.contextmanager
def receiver(behaviour: str, location: str = ""):
    """A server on loopback: `ok` (checks both signatures, keeps the events), `fail` (HTTP 500), `hang` (never
    answers in time), `refuse` (HTTP 400), `redirect` (307 to `location`), `busy` (429 with `Retry-After: 1`,
    then as `ok`), `later` (429 with `Retry-After: 3600`). Yields (url, what it received, how many requests,
    when each arrived)."""
    got: list[dict] = []
    hits = [0]  # requests received; a hanging receiver adds one more when it finally answers
    arrivals: list[float] = []
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hits[0] += 1
            arrivals.append(time.monotonic())
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if behaviour == "hang":
                stop.wait(30)
                hits[0] += 1000  # it answered: only when the test is over
                return
            if behaviour == "redirect" or (behaviour in ("busy", "later") and hits[0] == 1):
                self.send_response(307 if behaviour == "redirect" else 429)
                self.send_header("Location" if behaviour == "redirect" else "Retry-After",
                                 location if behaviour == "redirect" else "1" if behaviour == "busy" else "3600")
                self.end_headers()
                return
            code = {"fail": 500, "refuse": 400}.get(behaviour, 204)
            if behaviour in ("ok", "busy"):
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                assert self.headers["Content-Type"].startswith("application/cloudevents+json")
                message_id, stamp = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "0")
                standard = standard_signature(SECRET, message_id, int(stamp), body)
                fresh = abs(time.time() - int(stamp)) < 300  # a receiver refuses a replayed, old message
                if (hmac.compare_digest(self.headers.get(SIGNATURE, ""), expected) and fresh
                        and hmac.compare_digest(self.headers.get("webhook-signature", ""), standard)
                        and message_id == json.loads(body)["id"]):
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
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got, hits, arrivals
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_signed_events_arrive_in_order_at_a_receiver_that_checks_them():
    events = [_event(i) for i in range(5)]
    with receiver("ok") as (url, got, _, _):
        missed = deliver(events, [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_HOOK")], {"ALCHEMESH_WEBHOOK_HOOK": SECRET})
    assert missed == [] and got == events


def test_a_wrong_secret_is_refused_by_the_receiver_and_said():
    with receiver("ok") as (url, got, hits, _):
        (missed,) = deliver([_event(1)], [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_HOOK")], {"ALCHEMESH_WEBHOOK_HOOK": "wrong"})
    assert got == [] and missed.why == "HTTP 401" and hits[0] == 1  # a 4xx is not asked again


def test_a_missing_secret_sends_nothing():
    with receiver("ok") as (url, got, hits, _):
        (missed,) = deliver([_event(1)], [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_HOOK")], {})
    assert hits[0] == 0 and "$ALCHEMESH_WEBHOOK_HOOK is not set" in missed.why


def test_a_failing_receiver_is_tried_with_back_off_then_said_and_others_still_get_theirs():
    events = [_event(i) for i in range(3)]
    with receiver("fail") as (bad, _, hits, _), receiver("ok") as (good, got, _, _):
        missed = deliver(events, [Notification(url=bad, timeout=5), Notification(url=good, secretEnv="ALCHEMESH_WEBHOOK_S")],
                         {"ALCHEMESH_WEBHOOK_S": SECRET})
    assert got == events
    (failed,) = missed
    assert failed.url == bad and failed.events == 3 and failed.why == "HTTP 500 (3 attempts)" and hits[0] == 3


def test_a_hanging_receiver_costs_its_timeout_and_no_more():
    with receiver("hang") as (url, _, hits, _), receiver("ok") as (good, got, _, _):
        missed = deliver([_event(1), _event(2)], [Notification(url=url, timeout=1.5),
                                                   Notification(url=good, secretEnv="ALCHEMESH_WEBHOOK_S")], {"ALCHEMESH_WEBHOOK_S": SECRET})
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


@pytest.mark.parametrize(("url", "scope"), [
    ("http://127.0.0.1:{port}/x", "loopback"), ("http://localhost:{port}/x", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"), ("http://10.1.2.3/x", "private"),
    ("http://192.168.0.1/x", "private"), ("http://[::1]:{port}/x", "loopback"), ("http://224.0.0.1/x", "multicast"),
    ("http://[::ffff:127.0.0.1]:{port}/x", "loopback"),
])
def test_a_receiver_on_a_non_public_address_is_refused_unless_its_network_is_listed(url, scope):
    with receiver("ok") as (good, got, hits, _):
        port = good.rsplit(":", 1)[1].split("/")[0]
        (missed,) = deliver_anywhere([_event(1)], [Notification(url=url.format(port=port), timeout=2)], {})
    assert f"a {scope} address" in missed.why and "notificationNetworks" in missed.why and hits[0] == 0


def test_a_listed_network_lets_a_receiver_there_through_and_no_other():
    with receiver("ok") as (url, got, hits, _):
        (missed,) = deliver_anywhere([_event(1)], [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_S")],
                                     {"ALCHEMESH_WEBHOOK_S": SECRET}, ("10.0.0.0/8",))
        assert hits[0] == 0 and "loopback" in missed.why
        assert deliver_anywhere([_event(1)], [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_S")],
                                {"ALCHEMESH_WEBHOOK_S": SECRET}, ("127.0.0.1/32",)) == []
    assert len(got) == 1


def test_a_redirect_is_never_followed():
    with receiver("ok") as (inside, got, inside_hits, _), receiver("redirect", inside) as (url, _, hits, _):
        (missed,) = deliver([_event(1)], [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_S")],
                            {"ALCHEMESH_WEBHOOK_S": SECRET})
    assert missed.why == "HTTP 307: a redirect, not followed" and hits[0] == 1 and inside_hits[0] == 0


def test_retry_after_is_honoured_and_one_past_the_timeout_ends_the_wait():
    with receiver("busy") as (url, got, hits, arrivals):
        assert deliver([_event(1)], [Notification(url=url, secretEnv="ALCHEMESH_WEBHOOK_S", timeout=10)],
                       {"ALCHEMESH_WEBHOOK_S": SECRET}) == []
    assert len(got) == 1 and hits[0] == 2 and arrivals[1] - arrivals[0] >= 0.9  # it waited as asked
    with receiver("later") as (url, got, hits, _):
        (missed,) = deliver([_event(1)], [Notification(url=url, timeout=5)], {})
    assert hits[0] == 1 and missed.why == "HTTP 429; trying again in 3600 s would pass the receiver's timeout"


@pytest.mark.parametrize("name", ["PGPASSWORD", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "alchemesh_webhook_x"])
def test_a_secret_env_outside_the_webhook_prefix_is_a_finding_and_never_signs(quickstart, name):
    from alchemesh.model.resources import NotificationMatch
    from tests.testing import edit, invoke

    edit(quickstart, "alchemesh.yaml", ("  compatibility: consumer\n", "  compatibility: consumer\n  notifications:\n"
                                        f"    - {{url: \"https://hooks.example.com/x\", secretEnv: {name}}}\n"))
    result = invoke("validate", "--format", "json", cwd=quickstart)
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert finding["rule"] == "schema" and finding["line"] == 32 and "ALCHEMESH_WEBHOOK_" in finding["message"]
    with receiver("ok") as (url, _, hits, _):  # a notification the model refused, handed to delivery anyway
        hostile = Notification.model_construct(url=url, secretEnv=name, timeout=2.0, match=NotificationMatch())
        (missed,) = deliver([_event(1)], [hostile], {name: SECRET})
    assert hits[0] == 0 and "must start with ALCHEMESH_WEBHOOK_" in missed.why
