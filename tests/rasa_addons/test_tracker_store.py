"""The encrypted tracker store on SQLite and PostgreSQL, and how Rasa builds it."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from rasa_addons.logsafe import ref
from rasa_addons.tracker_store import (
    EncryptedSQLTrackerStore,
    TrackerDecryptionError,
    TrackerStoreConfigError,
    current_session_events,
    metadata,
    pack,
    sync_database_url,
    trackers_table,
    unpack,
)
from tests.rasa_addons.conftest import REPO_ROOT

SECRET = "my very private chest pain"
PG_ADMIN_URL = os.environ.get("SYMCHECK_TEST_POSTGRES_URL", "postgresql://root@localhost/test")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO_ROOT / "bot" / "domain.yml"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'symcheck.db'}"
    engine = sa.create_engine(url, future=True)
    metadata.create_all(engine)
    engine.dispose()
    return url


def conversation(sender_id: str, domain: Domain, text: str = SECRET) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, domain.slots)
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "report_symptom", "confidence": 0.9}),
        ActionExecuted("action_interview_turn"),
        BotUttered("How old are you?"),
        SlotSet("interview", {"phase": "age", "complaint": text}),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event, domain)
    return tracker


def raw_rows(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(trackers_table.c.sender_id, trackers_table.c.data_enc)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


async def round_trip(url: str, domain: Domain, keys: str) -> None:
    store = EncryptedSQLTrackerStore(domain, host=url, encryption_keys=keys)
    try:
        assert await store.retrieve("conv-1") is None
        tracker = conversation("conv-1", domain)
        await store.save(tracker)

        loaded = await store.retrieve("conv-1")
        assert loaded is not None
        assert list(loaded.events) == list(tracker.events)
        assert loaded.get_slot("interview") == {"phase": "age", "complaint": SECRET}
        assert loaded.latest_message is not None
        assert loaded.latest_message.text == SECRET

        # a second save of the same conversation updates its one row
        loaded.update(UserUttered("and a cough", {"name": "report_symptom"}), domain)
        await store.save(loaded)
        again = await store.retrieve("conv-1")
        assert again is not None
        assert again.latest_message is not None
        assert again.latest_message.text == "and a cough"
        assert list(await store.keys()) == ["conv-1"]
        assert await store.exists("conv-1")
        assert not await store.exists("conv-2")
    finally:
        store.close()


async def test_round_trip_sqlite(sqlite_url: str, domain: Domain, new_key) -> None:
    await round_trip(sqlite_url, domain, new_key())


async def test_nothing_readable_at_rest(sqlite_url: str, domain: Domain, new_key) -> None:
    key = new_key()
    store = EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys=key)
    await store.save(conversation("conv-1", domain))
    store.close()

    [(sender_id, data_enc)] = raw_rows(sqlite_url)
    assert sender_id == "conv-1"
    for word in ("chest", "private", "How old", "report_symptom", "interview"):
        assert word not in data_enc
    assert SECRET in unpack(Fernet(key.encode()).decrypt(data_enc.encode()))
    database_file = Path(sqlite_url.removeprefix("sqlite:///"))
    for path in database_file.parent.glob(database_file.name + "*"):
        assert b"chest pain" not in path.read_bytes()


async def test_key_rotation(sqlite_url: str, domain: Domain, new_key) -> None:
    old, new = new_key(), new_key()
    store = EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys=old)
    await store.save(conversation("conv-1", domain))
    store.close()

    rotated = EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys=f"{new},{old}")
    tracker = await rotated.retrieve("conv-1")  # old rows still readable
    assert tracker is not None
    await rotated.save(tracker)  # re-encrypted with the first key
    rotated.close()
    [(_, data_enc)] = raw_rows(sqlite_url)
    assert SECRET in unpack(Fernet(new.encode()).decrypt(data_enc.encode()))

    only_new = EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys=new)
    assert await only_new.retrieve("conv-1") is not None
    only_new.close()

    wrong = EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys=new_key())
    with pytest.raises(TrackerDecryptionError) as excinfo:
        await wrong.retrieve("conv-1")
    assert SECRET not in str(excinfo.value)
    assert "conv-1" not in str(excinfo.value)  # the sender id is the patient's credential
    assert ref("conv-1") in str(excinfo.value)
    wrong.close()


async def test_keeps_only_the_current_session(sqlite_url: str, domain: Domain, new_key) -> None:
    tracker = conversation("conv-1", domain, text="first session words")
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("second session words", {"name": "greet"}),
    ):
        tracker.update(event, domain)
    store = EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys=new_key())
    await store.save(tracker)
    loaded = await store.retrieve("conv-1")
    full = await store.retrieve_full_tracker("conv-1")
    store.close()
    assert loaded is not None
    assert full is not None
    texts = [e.text for e in loaded.events if isinstance(e, UserUttered)]
    assert texts == ["second session words"]
    assert loaded.get_slot("interview") is None  # no carry-over from the old session
    assert len(full.events) == len(loaded.events)


def test_pack_round_trip_and_plain_json() -> None:
    text = '{"events":[],"name":"c"}'
    assert unpack(pack(text)) == text
    assert len(pack(text * 50)) < len(text * 50) // 5
    assert unpack(text.encode()) == text


def test_current_session_events_without_session_start() -> None:
    events = [{"event": "action", "name": "action_listen"}]
    assert current_session_events(events) == events


def test_refuses_to_start_without_keys(
    sqlite_url: str, domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYMCHECK_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(TrackerStoreConfigError, match="SYMCHECK_ENCRYPTION_KEYS"):
        EncryptedSQLTrackerStore(domain, host=sqlite_url)
    with pytest.raises(TrackerStoreConfigError, match="invalid"):
        EncryptedSQLTrackerStore(domain, host=sqlite_url, encryption_keys="not-a-key")


def test_reads_keys_from_the_environment(
    sqlite_url: str, domain: Domain, monkeypatch: pytest.MonkeyPatch, new_key
) -> None:
    monkeypatch.setenv("SYMCHECK_ENCRYPTION_KEYS", f" {new_key()} , {new_key()} ")
    EncryptedSQLTrackerStore(domain, host=sqlite_url).close()


def test_refuses_a_missing_table(tmp_path: Path, domain: Domain, new_key) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(TrackerStoreConfigError, match="symcheck db upgrade"):
        EncryptedSQLTrackerStore(domain, host=url, encryption_keys=new_key())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
        ("postgresql://u:p@localhost/db", "postgresql+psycopg2://u:p@localhost/db"),
        ("postgres://localhost/db", "postgresql+psycopg2://localhost/db"),
        ("postgresql+psycopg://localhost:5433/db", "postgresql+psycopg2://localhost:5433/db"),
        ("postgresql+psycopg2://localhost/db", "postgresql+psycopg2://localhost/db"),
    ],
)
def test_database_urls(url: str, expected: str) -> None:
    assert sync_database_url(url) == expected


@pytest.mark.parametrize("url", [None, "", "mysql://localhost/db", "${DATABASE_URL}"])
def test_rejects_unusable_urls(url: str | None) -> None:
    with pytest.raises(TrackerStoreConfigError):
        sync_database_url(url)


def test_table_matches_the_alembic_migration(repo_root: Path) -> None:
    migrations = repo_root / "symcheck" / "storage" / "migrations" / "versions"
    source = "\n".join(p.read_text() for p in sorted(migrations.glob("*.py")))
    block = re.search(r'"rasa_trackers",(.*?)\n    \)', source, re.S)
    assert block is not None
    text = block.group(1)
    assert 'sa.Column("sender_id", sa.String(length=255), nullable=False)' in text
    assert 'sa.Column("data_enc", sa.Text(), nullable=False)' in text
    assert 'sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)' in text
    assert 'sa.PrimaryKeyConstraint("sender_id")' in text
    assert [c.name for c in trackers_table.columns] == ["sender_id", "data_enc", "updated_at"]


# -- Rasa builds our store from bot/endpoints.yml ------------------------------------------


@pytest.fixture
def endpoint_env(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, new_key: Callable[[], str]
) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("SYMCHECK_ENCRYPTION_KEYS", new_key())
    monkeypatch.setenv("SYMCHECK_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("SYMCHECK_ACTION_TOKEN", "action-token-0123456789abcdef")
    return sqlite_url


async def test_rasa_builds_our_store_from_endpoints_yml(
    endpoint_env: str, repo_root: Path, domain: Domain
) -> None:
    endpoints = AvailableEndpoints.read_endpoints(str(repo_root / "bot" / "endpoints.yml"))
    assert endpoints.tracker_store is not None
    store = TrackerStore.create(endpoints.tracker_store, domain=domain)
    assert isinstance(store, EncryptedSQLTrackerStore)  # not Rasa's silent in-memory fallback
    await store.save(conversation("conv-9", domain))
    assert [sender for sender, _ in raw_rows(endpoint_env)] == ["conv-9"]
    store.close()

    assert endpoints.action is not None
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.action.headers == {"Authorization": "Bearer action-token-0123456789abcdef"}
    from rasa.core.lock_store import LockStore

    assert isinstance(LockStore.create(endpoints.lock_store), InMemoryLockStore)


def test_scale_endpoints_use_redis_locks(endpoint_env: str, repo_root: Path) -> None:
    from rasa.core.lock_store import LockStore

    endpoints = AvailableEndpoints.read_endpoints(str(repo_root / "bot" / "endpoints.scale.yml"))
    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(lock_store, RedisLockStore)
    assert endpoints.tracker_store is not None
    assert endpoints.tracker_store.type == "rasa_addons.tracker_store.EncryptedSQLTrackerStore"


def test_rasa_refuses_to_start_without_keys(
    endpoint_env: str, repo_root: Path, domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYMCHECK_ENCRYPTION_KEYS")
    endpoints = AvailableEndpoints.read_endpoints(str(repo_root / "bot" / "endpoints.yml"))
    with pytest.raises(TrackerStoreConfigError):
        TrackerStore.create(endpoints.tracker_store, domain=domain)


# -- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A temporary database on the local PostgreSQL server, dropped afterwards.

    PostgreSQL is part of the test environment (``SYMCHECK_TEST_POSTGRES_URL``, by default
    ``postgresql://root@localhost/test``): without it these tests fail, they never skip.
    """
    admin_url = make_url(sync_database_url(PG_ADMIN_URL))
    admin = sa.create_engine(
        admin_url, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    name = f"symcheck_rasa_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {admin_url.render_as_string(hide_password=True)} "
            f"({type(exc).__name__}); start it or set SYMCHECK_TEST_POSTGRES_URL",
            pytrace=False,
        )
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(sync_database_url(url), future=True)
    metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
async def test_round_trip_postgres(postgres_url: str, domain: Domain, new_key) -> None:
    await round_trip(postgres_url, domain, new_key())
    [(sender_id, data_enc)] = raw_rows(sync_database_url(postgres_url))
    assert sender_id == "conv-1"
    assert "chest" not in data_enc


@pytest.mark.postgres
def test_postgres_missing_table(postgres_url: str, domain: Domain, new_key) -> None:
    engine = sa.create_engine(sync_database_url(postgres_url), future=True)
    metadata.drop_all(engine)
    engine.dispose()
    with pytest.raises(TrackerStoreConfigError):
        EncryptedSQLTrackerStore(domain, host=postgres_url, encryption_keys=new_key())
