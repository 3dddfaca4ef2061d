"""The locked dependencies, pruned to the project's own.

The template ships one lock for every option's dependencies at once
(scripts/lock.py writes it with `uv pip compile`). Each bake keeps only what
its own pyproject.toml needs: a package stays when pyproject.toml asks for it
or when uv's "# via" annotation names a package that stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from template_hooks.errors import HookError
from template_hooks.requirements import (
    DISTRIBUTION_NAME,
    PYPROJECT,
    canonical_name,
    project_requirements,
    requirement_name,
)

LOCK_FILE = "requirements.lock"
DEV_LOCK_FILE = "requirements-dev.lock"
# How uv names, in "# via", the pyproject.toml a requirement came from.
_FROM_PYPROJECT = " (pyproject.toml)"
_PIN_LINE = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==[^\s;\\]+")


@dataclass(frozen=True)
class Pin:
    """One package of a lock: its pin line and hash lines as uv wrote them, and
    the entries of its "# via" annotation (what needs it)."""

    name: str
    lines: tuple[str, ...]
    via: tuple[str, ...]

    def render(self) -> list[str]:
        if len(self.via) == 1:
            return [*self.lines, f"    # via {self.via[0]}"]
        if self.via:
            return [*self.lines, "    # via", *(f"    #   {e}" for e in self.via)]
        return list(self.lines)


@dataclass(frozen=True)
class Lock:
    """A requirements file in uv's pip-compile format: a comment header, then
    one block per pinned package."""

    header: tuple[str, ...]
    pins: tuple[Pin, ...]

    def render(self) -> str:
        lines = list(self.header)
        for pin in self.pins:
            lines.extend(pin.render())
        return "\n".join(lines) + "\n"


def parse_lock(text: str, source: str = LOCK_FILE) -> Lock:
    """Read a lock written by ``uv pip compile --generate-hashes``; anything
    else in it is an error, so that pruning never drops what it did not read."""
    header: list[str] = []
    pins: list[Pin] = []
    lines: list[str] = []
    via: list[str] = []
    state = "header"

    def finish() -> None:
        if lines:
            name = canonical_name(_PIN_LINE.match(lines[0]).group("name"))
            pins.append(Pin(name, tuple(lines), tuple(via)))
        lines.clear()
        via.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if state == "header" and (not stripped or line.startswith("#")):
            header.append(line)
        elif line[:1] not in ("", " ", "\t", "#") and _PIN_LINE.match(line):
            finish()
            lines.append(line)
            state = "hashes"
        elif state == "hashes" and stripped.startswith("--hash="):
            lines.append(line)
        elif state in ("hashes", "via-list") and stripped.split(" ")[:2] == [
            "#",
            "via",
        ]:
            entry = stripped.removeprefix("# via").strip()
            if entry:
                via.append(entry)
                state = "via-done"
            else:
                state = "via-list"
        elif state == "via-list" and line[:1] == " " and stripped.startswith("#"):
            via.append(stripped.removeprefix("#").strip())
        elif not stripped and state != "header":
            continue  # a blank line between or after the blocks
        else:
            raise HookError(f"{source}, line {number}: unexpected {line!r}")
    finish()
    return Lock(tuple(header), tuple(pins))


def prune_locks(
    runtime: Lock,
    dev: Lock,
    runtime_requirements: list[str],
    dev_requirements: list[str],
) -> tuple[Lock, Lock]:
    """Keep what the requirements need: in the runtime lock, everything the
    runtime requirements need; in the dev lock, what the dev requirements add.

    A package moves between the two when the template's lock has it at run
    time only for options this bake lacks. "# via" entries naming a package
    that is not kept, or pyproject.toml for a package this pyproject.toml does
    not ask for, are dropped; each block is otherwise kept as uv wrote it.
    """
    pins = (*runtime.pins, *dev.pins)
    needed_by: dict[str, set[str]] = {}
    for pin in pins:
        for entry in pin.via:
            if DISTRIBUTION_NAME.fullmatch(entry):
                needed_by.setdefault(canonical_name(entry), set()).add(pin.name)

    def closure(roots: set[str]) -> set[str]:
        found: set[str] = set()
        pending = list(roots)
        while pending:
            name = pending.pop()
            if name not in found:
                found.add(name)
                pending.extend(needed_by.get(name, ()))
        return found

    runtime_roots = {requirement_name(r) for r in runtime_requirements}
    roots = runtime_roots | {requirement_name(r) for r in dev_requirements}
    missing = sorted(roots - {pin.name for pin in pins})
    if missing:
        raise HookError(
            f"{LOCK_FILE} and {DEV_LOCK_FILE} pin no {', '.join(missing)}, which "
            f"{PYPROJECT} requires; run scripts/lock.py in the template"
        )
    at_run_time = closure(runtime_roots)
    everything = closure(roots)

    def annotated(pin: Pin) -> Pin:
        def stays(entry: str) -> bool:
            if DISTRIBUTION_NAME.fullmatch(entry):
                return canonical_name(entry) in everything
            if entry.endswith(_FROM_PYPROJECT):
                return pin.name in roots
            return True  # a -r or -c file

        return Pin(pin.name, pin.lines, tuple(e for e in pin.via if stays(e)))

    def lock(header: tuple[str, ...], names: set[str]) -> Lock:
        kept = sorted((p for p in pins if p.name in names), key=lambda p: p.name)
        return Lock(header, tuple(annotated(pin) for pin in kept))

    return (
        lock(runtime.header, at_run_time),
        lock(dev.header, everything - at_run_time),
    )


def prune_lock_files(project_dir: Path) -> None:
    """Prune the project's two locks to its pyproject.toml, in place."""
    texts = {}
    for name in (PYPROJECT, LOCK_FILE, DEV_LOCK_FILE):
        try:
            texts[name] = (project_dir / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise HookError(f"{name} is missing from the project") from None
    runtime, dev = prune_locks(
        parse_lock(texts[LOCK_FILE], LOCK_FILE),
        parse_lock(texts[DEV_LOCK_FILE], DEV_LOCK_FILE),
        *project_requirements(texts[PYPROJECT]),
    )
    for name, lock in ((LOCK_FILE, runtime), (DEV_LOCK_FILE, dev)):
        (project_dir / name).write_text(lock.render(), encoding="utf-8")
