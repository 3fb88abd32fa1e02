from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from symcheck.crypto import Cipher
from symcheck.storage.db import session_factory
from symcheck.storage.repositories import Store
from tests.symcheck.storage.databases import BACKENDS, empty_tables, engine_for, migrated_database

# Cheap argon2id parameters: the scheme is the same, the tests stay fast.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def cipher() -> Cipher:
    return Cipher(Cipher.generate_key())


@pytest.fixture
def store(engine: Engine, cipher: Cipher) -> Iterator[Store]:
    empty_tables(engine)
    return Store(session_factory(engine), cipher, FAST_HASHER)
