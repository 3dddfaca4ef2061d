"""The checks behind the answer rules: each returns None for a good value, or a
short phrase saying what is wrong with it."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from template_hooks.denied_names import forbidden_package_names

Check = Callable[[object], "str | None"]

MAX_TEXT_LENGTH = 200
MAX_NAME_LENGTH = 64
MAX_EMAIL_LENGTH = 254

_SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_PACKAGE = re.compile(r"[a-z][a-z0-9_]*")
# RFC 5322 "dot-atom" local part and an ASCII domain (IDNs in xn-- form).
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
)
# PEP 440 public versions in canonical form (no "v" prefix, no leading
# zeros, no separators other than the ones canonical form uses, no local part).
_NUMBER = r"(?:0|[1-9][0-9]*)"
_VERSION = re.compile(
    rf"(?:[1-9][0-9]*!)?{_NUMBER}(?:\.{_NUMBER})*"
    rf"(?:(?:a|b|rc){_NUMBER})?(?:\.post{_NUMBER})?(?:\.dev{_NUMBER})?"
)
# Characters that would break a TOML string, a README heading or a terminal:
# control characters, unpaired surrogates and line/paragraph separators.
UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Bidirectional embeddings, overrides and isolates: they make text display in a
# different order from the one it is stored in ("Trojan Source"). Right-to-left
# letters themselves are fine.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _describe(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def check_slug(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return "is empty"
    if len(value) > MAX_NAME_LENGTH:
        return f"is {len(value)} characters long"
    if not _SLUG.fullmatch(value):
        return f"{_describe(value)} is not a valid slug"
    return None


def check_package_name(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return "is empty"
    if len(value) > MAX_NAME_LENGTH:
        return f"is {len(value)} characters long"
    if not _PACKAGE.fullmatch(value):
        return f"{_describe(value)} is not a lowercase Python identifier"
    if keyword.iskeyword(value):
        return f"{value!r} is a Python keyword"
    if value in forbidden_package_names():
        return f"{value!r} would shadow a module of the same name"
    return None


def check_email(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return "is empty"
    if len(value) > MAX_EMAIL_LENGTH:
        return f"is {len(value)} characters long"
    if not _EMAIL.fullmatch(value):
        return f"{_describe(value)} does not look like an email address"
    return None


def check_version(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return "is empty"
    if not _VERSION.fullmatch(value):
        return f"{_describe(value)} is not a canonical PEP 440 version"
    return None


def check_text(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "is empty"
    if len(value) > MAX_TEXT_LENGTH:
        return f"is {len(value)} characters long"
    for char in value:
        if unicodedata.category(char) in UNPRINTABLE_CATEGORIES:
            return f"contains a line break or control character (U+{ord(char):04X})"
        if char in BIDI_CONTROLS:
            return f"contains a text-direction control character (U+{ord(char):04X})"
    return None


@dataclass(frozen=True)
class OneOf:
    """The check for a choice; ``choices`` must match cookiecutter.json's list."""

    choices: tuple[str, ...]

    def __call__(self, value: object) -> str | None:
        if not isinstance(value, str) or value not in self.choices:
            return f"{_describe(value)} is not offered"
        return None


def one_of(*choices: str) -> OneOf:
    return OneOf(choices)


def check_bool(value: object) -> str | None:
    # cookiecutter turns yes/no, true/false, 1/0, on/off into a bool before the
    # hook runs; anything else (a number from the Python API, say) is refused.
    if not isinstance(value, bool):
        return f"{_describe(value)} is not yes or no"
    return None
