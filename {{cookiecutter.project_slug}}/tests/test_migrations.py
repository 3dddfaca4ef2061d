"""The migrations: one head, a schema that matches the models, and a clean round trip."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from {{ cookiecutter.package_name }}.extensions import db


def script_directory(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def table_names(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_there_is_exactly_one_migration_head(app):
    with app.app_context():
        assert len(script_directory(app).get_heads()) == 1


def test_migrations_match_the_models(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_downgrade_to_base_and_upgrade_again(app):
    model_tables = {table.name for table in db.metadata.sorted_tables}
    with app.app_context():
        downgrade(revision="base")
    assert table_names(app) & model_tables == set()
    with app.app_context():
        upgrade()
    assert model_tables <= table_names(app)


def test_every_revision_can_be_downgraded(app):
    with app.app_context():
        for revision in script_directory(app).walk_revisions():
            source = Path(revision.path).read_text()
            assert "def downgrade" in source
            assert "    pass\n" not in source.split("def downgrade", 1)[1], revision.path
