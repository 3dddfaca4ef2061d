"""The LICENSE file: the text of the chosen license, for the author, this year."""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from pathlib import Path

import pytest
from cookiecutter.generate import generate_context

from conftest import COOKIECUTTER_JSON

AUTHOR = "Ada Lovelace"

# The lines each license's text opens with (leading indentation aside).
OPENING_LINES = {
    "MIT": ["MIT License"],
    "BSD-3-Clause": ["BSD 3-Clause License"],
    "Apache-2.0": ["Apache License", "Version 2.0, January 2004"],
    "Proprietary": ["Proprietary and confidential"],
}
TEMPLATE_RESIDUE = ("{{", "{%", "{#", "cookiecutter")


def current_years() -> set[int]:
    # Both sides of a New Year's midnight (UTC) that a bake might straddle.
    now = dt.datetime.now(dt.UTC)
    return {now.year, (now - dt.timedelta(minutes=5)).year}


def test_every_offered_license_is_tested_and_mit_is_the_default(
    default_answers,
) -> None:
    offered = generate_context(context_file=str(COOKIECUTTER_JSON))["cookiecutter"][
        "open_source_license"
    ]
    assert sorted(offered) == sorted(OPENING_LINES)
    assert default_answers["open_source_license"] == "MIT"


@pytest.fixture(params=sorted(OPENING_LINES))
def baked_license(request, cookies) -> tuple[str, str]:
    """(license choice, the baked LICENSE's text)."""
    result = cookies.bake(
        extra_context={"open_source_license": request.param, "author_name": AUTHOR}
    )
    assert result.exit_code == 0, f"the bake failed: {result.exception!r}"
    license_file = Path(result.project_path) / "LICENSE"
    return request.param, license_file.read_text(encoding="utf-8")


def test_license_opens_with_the_chosen_license(baked_license) -> None:
    choice, text = baked_license
    expected = OPENING_LINES[choice]
    opening = [line.strip() for line in text.splitlines()[: len(expected)]]
    assert opening == expected, f"the {choice} LICENSE opens with {opening}"


def test_license_names_the_author_and_this_year(baked_license) -> None:
    choice, text = baked_license
    notices = [line for line in text.splitlines() if "Copyright" in line]
    years = "|".join(str(year) for year in current_years())
    notice = re.compile(rf"Copyright (\(c\) )?({years}),? {re.escape(AUTHOR)}$")
    assert any(notice.search(line) for line in notices), (
        f"no copyright notice for {AUTHOR} this year in the {choice} LICENSE: {notices}"
    )


def test_license_has_no_template_residue(baked_license) -> None:
    choice, text = baked_license
    found = [marker for marker in TEMPLATE_RESIDUE if marker in text]
    assert found == [], f"template residue in the {choice} LICENSE: {found}"


def test_license_is_tidy_text(baked_license) -> None:
    choice, text = baked_license
    lines = text.split("\n")
    assert text.endswith("\n"), f"the {choice} LICENSE lacks a final newline"
    assert not text.endswith("\n\n"), f"the {choice} LICENSE ends with blank lines"
    assert lines[0].strip(), f"the {choice} LICENSE starts with a blank line"
    trailing = [number for number, line in enumerate(lines, 1) if line != line.rstrip()]
    assert trailing == [], f"trailing whitespace in the {choice} LICENSE: {trailing}"
    doubled = [
        number
        for number, (line, following) in enumerate(pairwise(lines), 1)
        if line == following == ""
    ]
    assert doubled == [], f"double blank lines in the {choice} LICENSE at {doubled}"
