"""The committed provider lock file, in process: what is read, merged and written."""

from __future__ import annotations

from pathlib import Path

import pytest

from alchemesh.errors import UsageError
from alchemesh.terraform.locks import STACK_LOCK, LockFile, Pin, parse, render

TERRAFORMS_OWN = '''# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/google" {
  version     = "5.44.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:linux",
    "zh:00a1",
    "zh:00b2",
  ]
}

provider "registry.terraform.io/hashicorp/null" {
  version = "2.1.2"
  hashes = [
    "h1:CFnENdqQu4g3LJNevA32aDxcUz2qGkRGQpFfkI8TCdE=",
  ]
}
'''


def stack_with(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STACK_LOCK).write_text(text)
    return folder


def test_terraforms_lock_file_is_read_with_versions_constraints_and_hashes():
    pins = parse(TERRAFORMS_OWN)
    assert pins == {
        "registry.terraform.io/hashicorp/google": Pin("5.44.0", "~> 5.0", frozenset({"h1:linux", "zh:00a1", "zh:00b2"})),
        "registry.terraform.io/hashicorp/null": Pin("2.1.2", None,
                                                    frozenset({"h1:CFnENdqQu4g3LJNevA32aDxcUz2qGkRGQpFfkI8TCdE="})),
    }


def test_what_alchemesh_writes_reads_back_the_same_platforms_included():
    pins = {**parse(TERRAFORMS_OWN)}
    pins["registry.terraform.io/hashicorp/null"] = Pin("2.1.2", None, frozenset({"h1:a", "h1:b"}),
                                                       frozenset({"linux_amd64", "darwin_arm64"}))
    text = render("dev", pins)
    assert "# platforms: darwin_arm64, linux_amd64\nprovider \"registry.terraform.io/hashicorp/null\"" in text
    assert parse(text) == pins
    assert render("dev", parse(text)) == text


@pytest.mark.parametrize("text", ['provider "x" {\n  hashes = []\n}\n', "terraform {\n}\n", "garbage"])
def test_a_damaged_lock_file_stops_the_run_with_what_to_do(tmp_path: Path, text: str):
    path = tmp_path / ".terraform.lock" / "dev.hcl"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(UsageError, match=r"\.terraform\.lock/dev\.hcl is damaged .*restore it from git, or remove it"):
        LockFile.read(path, "dev")


def test_no_lock_file_yet_is_an_empty_one_and_seeding_removes_a_stale_stack_lock(tmp_path: Path):
    lock = LockFile.read(tmp_path / ".terraform.lock" / "dev.hcl", "dev")
    assert lock.pins == {}
    stack = stack_with(tmp_path / "stack", TERRAFORMS_OWN)
    lock.seed(stack)
    assert not (stack / STACK_LOCK).exists()  # init chooses afresh, not from what the stack had


def test_a_new_provider_is_pinned_as_the_stack_chose_it_and_the_file_written(tmp_path: Path):
    path = tmp_path / ".terraform.lock" / "dev.hcl"
    lock = LockFile.read(path, "dev", ("linux_amd64", "darwin_arm64"))
    missing = lock.absorb(stack_with(tmp_path / "a", TERRAFORMS_OWN))
    assert lock.changed and set(missing) == set(parse(TERRAFORMS_OWN))
    assert parse(path.read_text()) == parse(TERRAFORMS_OWN)
    assert path.read_text().startswith("# The provider versions and checksums every stack of `dev` installs")


def test_the_same_version_gains_hashes_another_version_keeps_the_environments_pin(tmp_path: Path):
    path = tmp_path / ".terraform.lock" / "dev.hcl"
    path.parent.mkdir()
    path.write_text(render("dev", parse(TERRAFORMS_OWN)))
    lock = LockFile.read(path, "dev")
    other = TERRAFORMS_OWN.replace('"h1:linux",', '"h1:darwin",').replace('version = "2.1.2"', 'version = "3.2.1"')
    stack = stack_with(tmp_path / "b", other)
    assert lock.digest(stack) is None  # it installed null 3.2.1, which the environment does not pin: init again
    lock.absorb(stack)
    pins = parse(path.read_text())
    assert pins["registry.terraform.io/hashicorp/google"].hashes == {"h1:linux", "h1:darwin", "zh:00a1", "zh:00b2"}
    assert pins["registry.terraform.io/hashicorp/null"].version == "2.1.2"


def test_the_digest_follows_the_pins_of_the_stacks_own_providers_only(tmp_path: Path):
    lock = LockFile.read(tmp_path / "dev.hcl", "dev")
    google_only = TERRAFORMS_OWN.split('provider "registry.terraform.io/hashicorp/null"')[0]
    stack = stack_with(tmp_path / "c", google_only)
    lock.absorb(stack)
    before = lock.digest(stack)
    assert before is not None
    lock.absorb(stack_with(tmp_path / "d", TERRAFORMS_OWN))  # another stack pins null: nothing of c's changed
    assert lock.digest(stack) == before
    lock.absorb(stack_with(tmp_path / "e", TERRAFORMS_OWN.replace('"h1:linux",', '"h1:windows",')))
    assert lock.digest(stack) not in (before, None)  # google gained a checksum: c inits again, to take it


def test_providers_locked_for_the_platforms_are_marked_so_and_not_asked_again(tmp_path: Path):
    lock = LockFile.read(tmp_path / "dev.hcl", "dev", ("linux_amd64",))
    stack = stack_with(tmp_path / "f", TERRAFORMS_OWN)
    assert lock.absorb(stack)
    assert lock.absorb(stack, platforms_locked=True) == ()
    assert all(p.platforms == {"linux_amd64"} for p in lock.pins.values())
    unchanged = LockFile.read(tmp_path / "dev.hcl", "dev", ("linux_amd64",))
    assert unchanged.absorb(stack) == () and not unchanged.changed


@pytest.mark.parametrize("tampered", [
    'provider "x" {\n' * 40_000,  # blocks that never close: quadratic for a pattern that looks for each `}`
    'provider "x" {\n  version = "1"\n  hashes = [\n' + ('    "h1:' + "a" * 60 + '",\n') * 40_000,
])
def test_a_tampered_lock_file_is_refused_at_once_through_the_cli(quickstart: Path, tampered: str):
    from tests.testing import run_cli

    path = quickstart / ".terraform.lock" / "dev.hcl"
    path.parent.mkdir(exist_ok=True)
    path.write_text(tampered)
    result = run_cli("plan", cwd=quickstart)  # never a hang: run_cli's own timeout would fail the test
    assert result.code == 2 and "is damaged (provider \"x\" is not closed)" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_long_well_formed_lock_file_is_read_whole():
    hashes = [f"h1:{i:060d}" for i in range(40_000)]
    text = "# platforms: " + ", ".join(f"p{i}_x" for i in range(20_000)) + '\nprovider "x" {\n  version = "1"\n' \
        "  hashes = [\n" + "".join(f'    "{h}",\n' for h in hashes) + "  ]\n}\n"
    (pin,) = parse(text).values()
    assert len(pin.hashes) == 40_000 and len(pin.platforms) == 20_000


def test_a_lock_file_past_the_size_cap_is_not_read(tmp_path: Path):
    path = tmp_path / ".terraform.lock" / "dev.hcl"
    path.parent.mkdir()
    path.write_bytes(b"#" * (5 * 1024 * 1024))
    with pytest.raises(UsageError, match=r"is over 4,194,304 bytes: not a lock file"):
        LockFile.read(path, "dev")
