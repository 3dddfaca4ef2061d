"""The pre-generation hook: refuse unusable answers before cookiecutter writes a
single project file, with one ``error:`` line and the answers given back."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from template_hooks.errors import HookError
from template_hooks.refusal import refusal_report
from template_hooks.rules import InvalidAnswer, validate
from template_hooks.shell import shell_directory


def main(answers: Mapping[str, object]) -> int:
    try:
        validate(answers)
    except InvalidAnswer as refusal:
        print(refusal_report(refusal, answers, shell_directory()), file=sys.stderr)
        return 1
    except HookError as failure:
        print(f"error: could not check the answers: {failure}", file=sys.stderr)
        return 1
    return 0
