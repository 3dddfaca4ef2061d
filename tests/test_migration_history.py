"""How the post-generation hook builds the initial migration history: each part
that owns tables ships one revision file, and the ones the answers need are
linked into one chain in ``REVISIONS`` order (template_hooks/migrations.py).
Tested on synthetic revision files; tests/test_matrix.py checks every bake."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from template_hooks import migrations
from template_hooks.errors import HookError
from template_hooks.migrations import VERSIONS_DIR, Revision, always

from conftest import TEMPLATE_DIR, migration_history, template_copy
from matrix import MATRIX


def revision_file(revision: str, down_revision: str = "None") -> str:
    """A revision file as the template ships them."""
    return f'''"""Create the {revision} table.

Revision ID: {revision}
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down_revision}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("{revision}", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("{revision}")
'''


def _row(name: str, needed=always) -> Revision:
    return Revision(f"{VERSIONS_DIR}/{name}.py", needed)


# users always; teams and audit when chosen, audit refers to both.
TABLE = (
    _row("users"),
    _row("teams", lambda a: a["teams"]),
    _row("audit", lambda a: a["audit"]),
)


def _project(tmp_path: Path, **sources: str) -> Path:
    versions = tmp_path / "project" / VERSIONS_DIR
    versions.mkdir(parents=True)
    for name, source in sources.items():
        (versions / f"{name}.py").write_text(source, encoding="utf-8")
    return versions.parent.parent


def _shipped(tmp_path: Path) -> Path:
    return _project(tmp_path, **{name: revision_file(name) for name in TABLE_NAMES})


TABLE_NAMES = ("users", "teams", "audit")


def _link(project: Path, table=TABLE, **answers: object) -> list[str]:
    migrations.link_revisions(project, {"package_name": "pkg", **answers}, table)
    return migration_history(project / VERSIONS_DIR)


@pytest.mark.parametrize(
    ("teams", "audit", "history"),
    [
        (True, True, ["users", "teams", "audit"]),
        (False, True, ["users", "audit"]),
        (True, False, ["users", "teams"]),
        (False, False, ["users"]),
    ],
)
def test_the_needed_revisions_form_one_chain_in_table_order(
    tmp_path, teams, audit, history
) -> None:
    project = _shipped(tmp_path)
    assert _link(project, teams=teams, audit=audit) == history


def test_revisions_not_needed_are_removed(tmp_path) -> None:
    project = _shipped(tmp_path)
    _link(project, teams=False, audit=True)
    kept = sorted(p.name for p in (project / VERSIONS_DIR).iterdir())
    assert kept == ["audit.py", "users.py"]


def test_the_first_needed_revision_is_the_base(tmp_path) -> None:
    table = (_row("users", lambda a: False), *TABLE[1:])
    project = _shipped(tmp_path)
    assert _link(project, table, teams=True, audit=True) == ["teams", "audit"]


def test_the_history_ignores_what_the_files_said_before(tmp_path) -> None:
    project = _project(
        tmp_path,
        users=revision_file("users", '"audit"'),
        teams=revision_file("teams", "None"),
        audit=revision_file("audit", "('users', 'teams')"),
    )
    assert _link(project, teams=True, audit=True) == ["users", "teams", "audit"]


def test_only_the_down_revision_and_revises_lines_change(tmp_path) -> None:
    project = _shipped(tmp_path)
    _link(project, teams=False, audit=True)
    before = revision_file("audit").splitlines()
    after = (project / VERSIONS_DIR / "audit.py").read_text("utf-8").splitlines()
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert changed == [
        ("Revises:", "Revises: users"),
        ("down_revision = None", 'down_revision = "users"'),
    ]


def test_the_same_answers_give_the_same_bytes(tmp_path) -> None:
    first, second = _shipped(tmp_path / "1"), _shipped(tmp_path / "2")
    _link(first, teams=True, audit=True)
    _link(second, teams=True, audit=True)
    for name in TABLE_NAMES:
        path = Path(VERSIONS_DIR, f"{name}.py")
        assert (first / path).read_bytes() == (second / path).read_bytes()


@pytest.mark.parametrize(
    "source",
    [
        revision_file("teams").replace("down_revision = None\n", ""),
        revision_file("teams").replace(
            "down_revision = None\n", "down_revision = None\ndown_revision = None\n"
        ),
        revision_file("teams").replace(
            "down_revision = None", "down_revision: str | None = None"
        ),
    ],
)
def test_a_revision_without_one_down_revision_line_is_refused(tmp_path, source) -> None:
    project = _project(tmp_path, users=revision_file("users"), teams=source)
    with pytest.raises(HookError, match=r"teams\.py needs exactly one `down_revision"):
        _link(project, TABLE[:2], teams=True)


def test_a_revision_without_one_revision_id_is_refused(tmp_path) -> None:
    source = revision_file("teams").replace('revision = "teams"\n', "")
    project = _project(tmp_path, users=revision_file("users"), teams=source)
    with pytest.raises(HookError, match=r'teams.py has 0 `revision = "..."` lines'):
        _link(project, TABLE[:2], teams=True)


@pytest.mark.parametrize("teams", [True, False])
def test_a_missing_revision_file_is_refused_whether_needed_or_not(
    tmp_path, teams
) -> None:
    project = _project(tmp_path, users=revision_file("users"))
    with pytest.raises(HookError, match=r"teams\.py is missing, so it cannot be"):
        _link(project, TABLE[:2], teams=teams)


def test_a_revision_file_outside_the_table_is_refused(tmp_path) -> None:
    project = _shipped(tmp_path)
    with pytest.raises(HookError, match=r"audit\.py is not in the REVISIONS table"):
        _link(project, TABLE[:2], teams=True)


def test_a_row_that_reads_an_unknown_answer_is_named(tmp_path) -> None:
    project = _shipped(tmp_path)
    with pytest.raises(HookError, match=r"'migrations/versions/teams.py' reads an"):
        _link(project, audit=True)


# The template's own table and revision files.


def test_every_revision_file_of_the_template_has_a_row() -> None:
    shipped = sorted(
        str(path.relative_to(TEMPLATE_DIR))
        for path in (TEMPLATE_DIR / VERSIONS_DIR).glob("*.py")
    )
    assert sorted(row.path for row in migrations.REVISIONS) == shipped


def test_every_revision_file_of_the_template_can_be_linked() -> None:
    for row in migrations.REVISIONS:
        source = (TEMPLATE_DIR / row.path).read_text(encoding="utf-8")
        migrations.revision_id(source, row.path)
        ast.parse(migrations.linked(source, row.path, "0000"))


def test_revision_rows_read_only_offered_answers(default_answers) -> None:
    for answers in MATRIX.values():
        for row in migrations.REVISIONS:
            row.needed({**default_answers, **answers})


def test_an_options_revision_joins_the_baked_history_only_when_chosen(
    cookies, tmp_path
) -> None:
    """The mechanism end to end, with a revision that one option owns, as the
    accounts option's will be."""
    template = template_copy(tmp_path)
    versions = template / TEMPLATE_DIR.name / VERSIONS_DIR
    (versions / "0002_create_jobs.py").write_text(
        revision_file("0002"), encoding="utf-8"
    )
    table = template / "template_hooks" / "migrations.py"
    source = table.read_text(encoding="utf-8")
    users_row = 'Revision(f"{VERSIONS_DIR}/0001_create_users.py", always),\n'
    assert source.count(users_row) == 1
    jobs_row = (
        'Revision(f"{VERSIONS_DIR}/0002_create_jobs.py", lambda a: a["use_celery"]),'
    )
    table.write_text(
        source.replace(users_row, f"{users_row}    {jobs_row}\n"), encoding="utf-8"
    )

    histories = {}
    for chosen in (True, False):
        baked = cookies.bake(
            template=str(template), extra_context={"use_celery": chosen}
        )
        assert baked.exit_code == 0, baked.exception
        histories[chosen] = migration_history(baked.project_path / VERSIONS_DIR)

    assert histories == {True: ["0001", "0002"], False: ["0001"]}
