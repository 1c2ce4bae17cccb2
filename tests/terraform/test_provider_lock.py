"""The committed provider lock file on real runs: written once, then what every init installs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from alchemesh.terraform.binary import describe, packaged_terraform
from alchemesh.terraform.environment import PACKAGED, _packaged_file
from tests.testing import QUICKSTART, edit, run_cli

LOCK = Path(".terraform.lock/dev.hcl")
NULL = PACKAGED[0]


def commands(mesh: Path, stack: str = "sales/orders") -> list[str]:
    """The Terraform commands the last run gave the stack."""
    log = mesh / ".alchemesh/logs/dev" / f"{stack}.log"
    runs = [line.split()[2:] for line in log.read_text().splitlines() if line.startswith("$ ")]  # $ terraform …
    return [" ".join(words[:2]) if words[0] == "providers" else words[0] for words in runs]


def test_the_committed_lock_file_is_what_the_quickstart_installs_and_init_keeps_it(checkout: Path,
                                                                                   terraform_env: dict):
    (checkout / LOCK).unlink()
    first = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert first.code == 0, first.out + first.err
    assert first.json()["lockFileChanged"] == str(LOCK)
    assert (checkout / LOCK).read_bytes() == (QUICKSTART / LOCK).read_bytes()  # the one committed is current
    again = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert again.code == 0 and again.json()["lockFileChanged"] is None, again.out + again.err
    assert commands(checkout) == ["plan"]  # the pins did not change: no init

    text = (checkout / LOCK).read_text()
    (checkout / LOCK).write_text(text.replace('"h1:', '"h1:X'))  # a checksum no package has: init must refuse
    refused = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert refused.code == 1
    errors = [s["error"] for s in refused.json()["stacks"] if s["status"] == "failed"]
    assert errors and all("has no checksum of this package: list this platform in spec.terraform.lockPlatforms"
                          in e for e in errors), errors


def test_a_pin_the_specs_no_longer_allow_is_said_with_what_to_do(checkout: Path, terraform_env: dict):
    edit(checkout, "alchemesh.yaml", ('    requiredVersion: ">= 1.0"\n', '    requiredVersion: ">= 1.0"\n'
                                      '    requiredProviders:\n      null: {source: hashicorp/null, version: ">= 3.0"}\n'))
    result = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert result.code == 1
    errors = [s["error"] for s in result.json()["stacks"] if s["status"] == "failed"]
    assert errors and all("the provider lock file .terraform.lock/dev.hcl pins another version: remove that "
                          "provider's block" in e for e in errors), errors


def test_lock_platforms_record_the_checksums_of_every_platform_once(checkout: Path, terraform_env: dict,
                                                                    tmp_path: Path):
    """A mirror with null for this platform and for one more (a stand-in package: only its checksum counts)."""
    here = describe(packaged_terraform()).platform
    other = "darwin_arm64" if here != "darwin_arm64" else "linux_amd64"
    mirror = tmp_path / "mirror"
    for platform in (here, other):
        folder = mirror / NULL.address / NULL.version / platform
        folder.mkdir(parents=True)
        if platform == here:
            shutil.copy2(_packaged_file(NULL), folder / NULL.file)
        else:
            (folder / NULL.file).write_bytes(b"a package for another platform")
    edit(checkout, "alchemesh.yaml", ('    requiredVersion: ">= 1.0"\n', '    requiredVersion: ">= 1.0"\n'
                                      f'    lockPlatforms: [{here}, {other}]\n'))
    first = run_cli("plan", "--provider-mirror", str(mirror), "--format", "json", cwd=checkout, env=terraform_env)
    assert first.code == 0, first.out + first.err
    pin = (checkout / LOCK).read_text().split("\n\n")[-1]
    assert pin.startswith(f"# platforms: {', '.join(sorted((here, other)))}\n"), pin
    assert pin.count('"h1:') == 2, pin  # this platform's, and the other's
    locked = [c for s in ("sales/orders", "sales/customers") for c in commands(checkout, s) if c == "providers lock"]
    assert 1 <= len(locked) <= 2  # by the first stacks to pin it (one level runs side by side), not by every one
    again = run_cli("plan", "--provider-mirror", str(mirror), "--format", "json", cwd=checkout, env=terraform_env)
    assert again.code == 0 and again.json()["lockFileChanged"] is None, again.out + again.err
    assert all("providers lock" not in commands(checkout, s) for s in ("sales/orders", "marketing/segments"))


def test_a_damaged_lock_file_is_one_line_and_exit_2_before_any_terraform_runs(checkout: Path):
    (checkout / LOCK).write_text("provider {{ nonsense\n")
    env = {"ALCHEMESH_TERRAFORM": str(packaged_terraform()), "TF_CLI_CONFIG_FILE": ""}
    result = run_cli("plan", cwd=checkout, env={**os.environ, **env})
    assert result.code == 2, result.out + result.err
    assert result.err.strip().splitlines() == [
        "alchemesh: error: the provider lock file .terraform.lock/dev.hcl is damaged (`provider {{ nonsense` is not a "
        "provider block): restore it from git, or remove it to let init choose the providers again"]
    assert not (checkout / ".alchemesh/logs").exists()
