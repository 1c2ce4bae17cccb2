"""The run as a library call: what `alchemesh apply --test` does, made from Python with a recording approver and
watcher, on the real quickstart and Terraform."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from alchemesh.pipeline import Pipeline
from alchemesh.pipeline.runs import Action, Request, RunRequest
from alchemesh.terraform.outcome import Status


class Approver:
    def __init__(self, answer: bool):
        self.answer = answer
        self.asked: list[tuple[str, list[str]]] = []
        self.readied: list[Action] = []

    def ready(self, action: Action) -> None:
        self.readied.append(action)

    def __call__(self, action, environment, changing, order) -> bool:
        self.asked.append((environment, sorted(o.key for o in changing)))
        return self.answer


class Watch:
    def __init__(self):
        self.seen: list[tuple[str, str]] = []
        self.banners: list[str] = []

    def __call__(self, keys, banner):
        self.banners.append(banner)
        return contextlib.nullcontext(lambda key, phase: self.seen.append((key, phase)))


STACKS = ["marketing/customer-value", "marketing/segments", "sales/customers", "sales/orders"]


def test_apply_with_tests_is_one_call_that_asks_first(checkout: Path, one_terraform_env: dict,
                                                      monkeypatch: pytest.MonkeyPatch):
    for name, value in one_terraform_env.items():
        monkeypatch.setenv(name, value)
    data = checkout / ".alchemesh/data/dev/sales/orders/orders.duckdb"

    no = Approver(False)
    declined = Pipeline(checkout).run(RunRequest(Action.apply, test=True), approve=no)
    assert declined.declined and declined.run is None and declined.tests is None
    assert no.readied == [Action.apply] and no.asked == [("dev", STACKS)]
    assert {o.status for o in declined.preview.outcomes} == {Status.changes}
    assert not data.exists()

    yes, watch = Approver(True), Watch()
    applied = Pipeline(checkout).run(RunRequest(Action.apply, test=True), approve=yes, watch=watch)
    assert {o.key: o.status for o in applied.run.outcomes} == dict.fromkeys(STACKS, Status.applied)
    assert [p.status for p in applied.tests.ports] == ["passed"] * 4 and data.exists()
    assert "4 stack(s) in `dev`" in watch.banners[0] and watch.banners[1] == ""  # said once, before the preview
    assert {key for key, phase in watch.seen if phase == "applied"} <= set(STACKS)
    stored = json.loads((checkout / ".alchemesh/test/dev.json").read_text())
    assert sorted(p["port"] for p in stored["ports"]) == sorted(p.port for p in applied.tests.ports)

    tested = Pipeline(checkout).test(RunRequest(Action.plan, Request(products=("sales/orders",))))
    assert [p.port for p in tested.tests.ports] == ["sales/orders/orders"]
    assert tested.run.action is Action.test and not tested.run.failed
