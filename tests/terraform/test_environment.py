"""Where providers come from, and the confirmation `apply` asks for on a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from alchemesh.terraform.environment import cli_config, mirror_providers
from tests.testing import run_cli


def test_cli_config_installs_each_mirrors_providers_from_it_and_the_rest_directly(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "registry.terraform.io/hashicorp/null/2.1.2/linux_amd64").mkdir(parents=True)
    (second / "registry.terraform.io/hashicorp/null").mkdir(parents=True)
    (second / "example.com/acme/thing").mkdir(parents=True)
    assert mirror_providers(second) == ["example.com/acme/thing", "registry.terraform.io/hashicorp/null"]
    config = cli_config([first, second])
    assert config.count("filesystem_mirror") == 2
    assert f'path    = "{first.as_posix()}"\n    include = ["registry.terraform.io/hashicorp/null"]' in config
    assert 'include = ["example.com/acme/thing"]' in config  # null is taken by the first mirror
    assert 'exclude = ["registry.terraform.io/hashicorp/null", "example.com/acme/thing"]' in config


def test_plugin_cache_and_mirror_options(checkout: Path, terraform_env: dict, tmp_path: Path):
    cache = tmp_path / "plugins"
    result = run_cli("plan", "--domain", "sales", "--plugin-cache", str(cache), "--format", "json", cwd=checkout,
                     env=terraform_env)
    assert result.code == 0, result.out + result.err
    # Terraform links unpacked mirror providers rather than caching them: the folder is only made.
    assert cache.is_dir()
    assert {s["status"] for s in result.json()["stacks"]} == {"changes"}
    config = (checkout / ".alchemesh/terraform/terraformrc").read_text()
    assert "registry.terraform.io/hashicorp/null" in config
    missing = run_cli("plan", "--provider-mirror", str(tmp_path / "nope"), cwd=checkout, env=terraform_env)
    assert missing.code == 2 and "provider mirror" in missing.err and "no such directory" in missing.err


def on_a_terminal(args: list[str], cwd: Path, env: dict, answer: bytes | None, until: bytes) -> tuple[int, str]:
    """Run alchemesh with a terminal for its streams; answer once `until` shows (None: never)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "alchemesh", *args], cwd=cwd, stdin=terminal,
                               stdout=terminal, stderr=terminal, env={**os.environ, **env, "NO_COLOR": "1"})
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 90
    while process.poll() is None or select.select([controller], [], [], 0)[0]:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        if select.select([controller], [], [], 0.2)[0]:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            seen += chunk
            if answer is not None and until in seen:
                os.write(controller, answer)
                answer = None
    os.close(controller)
    return process.wait(timeout=60), seen.decode(errors="replace")


def test_apply_plans_then_asks_on_a_terminal_and_a_no_stops_it(checkout: Path, one_terraform_env: dict):
    code, text = on_a_terminal(["apply"], checkout, one_terraform_env, b"n\n", b"Apply these changes?")
    assert code == 1 and "cancelled" in text, text
    assert "apply would change 4 stack(s) in `dev`:" in text
    assert "sales/customers" in text and "to add" in text
    assert text.index("would change") < text.index("Apply these changes?")
    assert "the full plans: .alchemesh/logs/dev" in text
    assert not (checkout / ".alchemesh/data").exists()  # planned, nothing applied

    assert run_cli("apply", "--auto-approve", cwd=checkout, env=one_terraform_env).code == 0
    code, text = on_a_terminal(["apply"], checkout, one_terraform_env, None, b"")
    assert code == 0 and "nothing to apply: no stack in `dev` would change" in text and "changes?" not in text, text

    code, text = on_a_terminal(["destroy", "--product", "marketing/segments"], checkout, one_terraform_env, b"y\n",
                               b"Destroy these resources?")
    assert code == 0, text
    assert "destroy would change 1 stack(s) in `dev`, destroying or replacing" in text and "to destroy" in text
