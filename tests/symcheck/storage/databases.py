"""Test databases: a migrated SQLite file and a throw-away PostgreSQL database per session.

Each PostgreSQL database gets a unique name, so parallel test runs never collide, and is
dropped at the end of the session. Tables are emptied between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, text

from symcheck.storage.db import build_engine
from symcheck.storage.migrate import upgrade
from symcheck.storage.models import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "SYMCHECK_TEST_POSTGRES_URL", "postgresql://root@localhost/postgres"
)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """Create a uniquely named PostgreSQL database; yield its URL; drop it afterwards."""
    name = f"symcheck_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # pragma: no cover - environment problem
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc}")
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def migrated_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """A database URL on ``backend`` with every migration applied."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir / 'symcheck-test.db'}"
        upgrade(url)
        yield url
        return
    with temporary_postgres_database() as url:
        upgrade(url)
        yield url


def empty_tables(engine: Engine) -> None:
    """Delete every row (children first) so each test starts from an empty database."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


def engine_for(url: str) -> Engine:
    return build_engine(url)
