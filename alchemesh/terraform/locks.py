"""One committed provider lock file per environment, shared by its stacks.

Terraform keeps the provider versions and checksums it chose in each working directory's
`.terraform.lock.hcl`, which in a build folder nobody commits: a plan and its later apply, or two CI runs, could
then install different providers. alchemesh keeps one lock file per environment in the repo
(`.terraform.lock/ENV.hcl`): copied into a stack before its `init`, and what that `init` chose merged back. The
first stack to pin a provider decides its version for the environment. With `spec.terraform.lockPlatforms`, the
checksums of every listed platform are recorded too (`terraform providers lock -platform`), so that an `init`
on a laptop and one in CI accept the same packages.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from alchemesh.errors import UsageError
from alchemesh.workspace import write_atomic

LOCK_DIR = ".terraform.lock"
STACK_LOCK = ".terraform.lock.hcl"  # where Terraform reads and writes it in a working directory

_HEADER = ("# The provider versions and checksums every stack of `{env}` installs, kept by alchemesh: commit it.\n"
           "# Remove a provider's block to let the next init choose its version again.\n")
MAX_LOCK_BYTES = 4 * 1024 * 1024  # thousands of providers' checksums; past it, not a lock file
# One line at a time, each pattern anchored and linear: a tampered file cannot make the parse slow.
_OPEN = re.compile(r'provider\s+"([^"]+)"\s*\{')
_PLATFORMS = re.compile(r"#\s*platforms:\s*(.*)")
_ATTRIBUTE = re.compile(r'(version|constraints)\s*=\s*"([^"]*)"')
_HASHES = re.compile(r"hashes\s*=\s*\[(.*)")
_HASH = re.compile(r'"([a-z0-9]+:[^"\s]+)"')


@dataclass(frozen=True)
class Pin:
    """A provider's entry: the version chosen, the constraints it was chosen under, its package checksums, and
    the platforms those checksums are known to cover."""

    version: str
    constraints: str | None
    hashes: frozenset[str]
    platforms: frozenset[str] = frozenset()

    def render(self, address: str, with_platforms: bool = True) -> str:
        lines = [f"# platforms: {', '.join(sorted(self.platforms))}"] if with_platforms and self.platforms else []
        lines.append(f'provider "{address}" {{')
        if self.constraints is not None:
            lines += [f'  version     = "{self.version}"', f'  constraints = "{self.constraints}"']
        else:
            lines.append(f'  version = "{self.version}"')
        lines += ["  hashes = [", *(f'    "{h}",' for h in sorted(self.hashes)), "  ]", "}"]
        return "\n".join(lines) + "\n"


def parse(text: str) -> dict[str, Pin]:
    """The providers of a lock file, as Terraform or alchemesh writes it; ValueError when a block is not one."""
    if len(text) > MAX_LOCK_BYTES:
        raise ValueError(f"over {MAX_LOCK_BYTES:,} bytes")
    pins: dict[str, Pin] = {}
    block: dict | None = None  # the provider block being read
    in_hashes = False
    previous = ""  # the last non-blank line outside a block: its `# platforms:` comment
    for raw in text.splitlines():
        line = raw.strip()
        if block is None:
            opened = _OPEN.fullmatch(line)
            if opened:
                platforms = _PLATFORMS.fullmatch(previous)
                block = {"address": opened.group(1), "hashes": set(), "platforms": frozenset(
                    p.strip() for p in platforms.group(1).split(",") if p.strip()) if platforms else frozenset()}
            elif line and not line.startswith(("#", "//")):
                raise ValueError(f"`{line[:60]}` is not a provider block")
            if line:
                previous = line
            continue
        if in_hashes:
            in_hashes = not line.startswith("]")
            block["hashes"].update(_HASH.findall(line.split("]", 1)[0]))
            continue
        if line == "}":
            if "version" not in block:
                raise ValueError(f'provider "{block["address"]}" has no version')
            pins[block["address"]] = Pin(block["version"], block.get("constraints"), frozenset(block["hashes"]),
                                         block["platforms"])
            block, previous = None, ""
            continue
        attribute = _ATTRIBUTE.fullmatch(line)
        hashes = _HASHES.fullmatch(line)
        if attribute:
            block[attribute.group(1)] = attribute.group(2)
        elif hashes:
            rest = hashes.group(1)
            block["hashes"].update(_HASH.findall(rest.split("]", 1)[0]))
            in_hashes = "]" not in rest
    if block is not None:
        raise ValueError(f'provider "{block["address"]}" is not closed')
    return pins


def render(environment: str, pins: dict[str, Pin]) -> str:
    return _HEADER.format(env=environment) + "".join(f"\n{pins[a].render(a)}" for a in sorted(pins))


@dataclass
class LockFile:
    """An environment's committed lock file, shared by the stacks of one run (thread-safe)."""

    path: Path
    environment: str
    platforms: frozenset[str] = frozenset()
    pins: dict[str, Pin] = field(default_factory=dict)
    changed: bool = False  # this run wrote it
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, root: Path, environment: str, platforms: tuple[str, ...] = ()) -> LockFile:
        """The environment's lock file beside the Mesh at `root`."""
        return cls.read(root / LOCK_DIR / f"{environment}.hcl", environment, platforms)

    @classmethod
    def read(cls, path: Path, environment: str, platforms: tuple[str, ...] = ()) -> LockFile:
        """The lock file as committed (none yet: empty); a damaged one stops the run before anything starts."""
        shown = f"{LOCK_DIR}/{path.name}"
        try:
            if path.stat().st_size > MAX_LOCK_BYTES:
                raise UsageError(f"the provider lock file {shown} is over {MAX_LOCK_BYTES:,} bytes: not a lock file; "
                                 "restore it from git, or remove it to let init choose the providers again")
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"the provider lock file {shown} cannot be read: {error}") from None
        try:
            pins = parse(text)
        except ValueError as error:
            raise UsageError(f"the provider lock file {shown} is damaged ({error}): "
                             "restore it from git, or remove it to let init choose the providers again") from None
        return cls(path, environment, frozenset(platforms), pins)

    @property
    def shown(self) -> str:
        """As the user finds it beside `alchemesh.yaml`."""
        return f"{LOCK_DIR}/{self.path.name}"

    def digest(self, stack_dir: Path) -> str | None:
        """What the lock file pins of the providers the stack's last `init` installed: when it changes, the
        stack must init again. None when the stack installed a version the lock file does not pin (or one it
        pins no longer): then it must init again anyway."""
        installed = _installed(stack_dir)
        with self._guard:
            if any(a not in self.pins or self.pins[a].version != p.version for a, p in installed.items()):
                return None
            text = "".join(self.pins[a].render(a) for a in sorted(installed))
        return hashlib.sha256(text.encode()).hexdigest()

    def seed(self, stack_dir: Path) -> None:
        """Before `init`: the stack's lock file is the committed one (none when nothing is pinned yet)."""
        with self._guard:
            pins = dict(self.pins)
        target = stack_dir / STACK_LOCK
        if pins:
            write_atomic(target, "".join(f"{p.render(a, with_platforms=False)}\n" for a, p in sorted(pins.items()))
                         .encode())
        else:
            target.unlink(missing_ok=True)

    def absorb(self, stack_dir: Path, platforms_locked: bool = False) -> tuple[str, ...]:
        """After `init` (or `providers lock`): merge what the stack's lock file holds. A provider new to the
        environment is pinned as the stack chose it; one of the same version gains the checksums it lacked;
        one of another version keeps the environment's pin (the stack's next init takes it). Returns the
        providers of the stack whose checksums miss a platform of `lockPlatforms`."""
        chosen = _installed(stack_dir)
        with self._guard:
            before = dict(self.pins)
            for address, pin in chosen.items():
                known = self.pins.get(address)
                if known is None:
                    self.pins[address] = replace(pin, platforms=self.platforms if platforms_locked else frozenset())
                elif known.version == pin.version:
                    covered = known.platforms | self.platforms if platforms_locked else known.platforms
                    self.pins[address] = replace(known, hashes=known.hashes | pin.hashes, platforms=covered)
            if self.pins != before:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.path, render(self.environment, self.pins).encode())
                self.changed = True
            return self._missing(chosen)

    def missing(self, addresses) -> tuple[str, ...]:
        """Those of the providers whose checksums miss a platform of `lockPlatforms`."""
        with self._guard:
            return self._missing(addresses)

    def _missing(self, addresses) -> tuple[str, ...]:
        return tuple(sorted(a for a in addresses if a in self.pins and not self.platforms <= self.pins[a].platforms))


def _installed(stack_dir: Path) -> dict[str, Pin]:
    """The providers in a stack's own lock file (none, or one Terraform left unreadable: nothing)."""
    try:
        return parse((stack_dir / STACK_LOCK).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
