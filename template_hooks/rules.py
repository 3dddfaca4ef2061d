"""What the pre-generation hook accepts: one rule per answer, in prompt order.

A new option is one more entry in ``RULES`` (a choice is ``one_of(...)``, a
yes/no question ``YES_OR_NO``); a forbidden mix of options is one more entry in
``REFUSED_COMBINATIONS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from template_hooks.checks import (
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    Check,
    check_bool,
    check_email,
    check_package_name,
    check_slug,
    check_text,
    check_version,
    one_of,
)

SUPPORTED_PYTHON_VERSIONS = ("3.13", "3.12", "3.11")


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
