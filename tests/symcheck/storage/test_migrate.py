from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from symcheck.storage.db import build_engine
from symcheck.storage.migrate import downgrade, upgrade
from symcheck.storage.models import Base
from tests.symcheck.storage.databases import BACKENDS, temporary_postgres_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_go_up_down_and_up_again(backend: str, tmp_path: Path) -> None:
    def check(url: str) -> None:
        upgrade(url)
        engine = build_engine(url)
        try:
            columns = {c["name"] for c in inspect(engine).get_columns("cases")}
            assert "waiting_notice_at" in columns
            indexes = {i["name"] for i in inspect(engine).get_indexes("cases")}
            assert "uq_cases_one_open_per_conversation" in indexes
            tables = set(inspect(engine).get_table_names())
            assert {"outbox", "attachments", "erasures"} <= tables
            with engine.connect() as conn:
                migration_context = MigrationContext.configure(conn)
                assert compare_metadata(migration_context, Base.metadata) == []
        finally:
            engine.dispose()
        downgrade(url, "base")
        upgrade(url)

    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'm.db'}")
    else:
        with temporary_postgres_database() as url:
            check(url)
