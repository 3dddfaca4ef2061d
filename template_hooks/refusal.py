"""What a refusal says: its ``error:`` line, then every answer given back.

cookiecutter runs the pre-generation hook only after the last prompt, so a
refusal gives the answers back as a ``cookiecutter --no-input`` command that
bakes again with every answer, the refused one last.
"""

from __future__ import annotations

import os
import shlex
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from template_hooks.checks import BIDI_CONTROLS, UNPRINTABLE_CATEGORIES
from template_hooks.rules import RULES, InvalidAnswer

# cookiecutter renders answers given on its command line as Jinja: its markers,
# and an expression that prints one brace.
_JINJA_MARKERS = ("{{", "{%", "{#")
_PRINTED_BRACE = '{{ "{" }}'


def command_line_value(value: object) -> str | None:
    """What to write after ``key=`` on cookiecutter's command line for cookiecutter
    to read ``value`` back; None when it cannot be shown in a terminal."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if any(
        unicodedata.category(char) in UNPRINTABLE_CATEGORIES or char in BIDI_CONTROLS
        for char in text
    ):
        return None
    if any(marker in text for marker in _JINJA_MARKERS):
        # Each brace becomes an expression that prints one, so that the text
        # renders back to itself.
        text = text.replace("{", _PRINTED_BRACE)
    return text


def bake_again_command(
    answers: Mapping[str, object], last: str, directory: Path | None
) -> tuple[str, list[str]]:
    """A ``cookiecutter --no-input`` command, quoted for a POSIX shell, that bakes
    with every answer given, ``last``'s at the end, from ``directory``; and the
    answers it leaves empty because they cannot be shown."""
    words = ["cookiecutter", "--no-input", shlex.quote(str(answers.get("_template")))]
    if answers.get("_checkout"):
        words += ["--checkout", shlex.quote(str(answers["_checkout"]))]
    output_dir = str(answers.get("_output_dir") or "")
    if output_dir and (
        directory is None or os.path.realpath(output_dir) != os.path.realpath(directory)
    ):
        words += ["-o", shlex.quote(output_dir)]
    # In prompt order (tojson sorts the answers' keys), the refused one last.
    names = [name for name in RULES if name in answers and name != last]
    names += [n for n in answers if n not in RULES and not n.startswith("_")]
    emptied = []
    for name in [*names, last] if last in answers else names:
        value = command_line_value(answers[name])
        if value is None:
            emptied.append(name)
        words.append(f"{name}={shlex.quote(value or '')}")
    return " ".join(words), emptied


def refusal_report(
    refusal: InvalidAnswer, answers: Mapping[str, object], directory: Path | None
) -> str:
    """The refusal's line, then every answer given back as a command to run again."""
    command, emptied = bake_again_command(answers, refusal.field, directory)
    left_empty = (
        f" ({', '.join(emptied)} left empty: a terminal cannot show what was given)"
        if emptied
        else ""
    )
    return "\n".join(
        [
            str(refusal),
            "Answers are checked after the last question, so here are yours to bake "
            f"again: change {refusal.field}, the last one below{left_empty}, and run:",
            command,
        ]
    )
