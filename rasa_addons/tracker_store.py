"""Rasa tracker store: one encrypted row per conversation in the gateway's database.

Rasa's stock ``SQLTrackerStore`` keeps every event (message text included) in clear text and
re-reads the whole history on every message. This store keeps only the current conversation
session, serialised, compressed and Fernet-encrypted, in table ``rasa_trackers`` (``sender_id``,
``data_enc``, ``updated_at``): one indexed read and one upsert per turn, nothing readable at
rest. Older sessions are dropped when a new one starts (sessions expire after 24 h idle).

Configured in ``bot/endpoints.yml``::

    tracker_store:
      type: rasa_addons.tracker_store.EncryptedSQLTrackerStore
      url: "${DATABASE_URL}"

Keys come from ``SYMCHECK_ENCRYPTION_KEYS`` (comma-separated Fernet keys; the first encrypts,
all decrypt), so rows written with an old key are re-encrypted with the new one on their next
save. The table belongs to the gateway's Alembic migrations; this store never creates it and
refuses to start when it is missing.

Runs inside Rasa (Python 3.10, SQLAlchemy 1.4): no ``symcheck`` imports here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from rasa_addons.logsafe import ref

logger = logging.getLogger(__name__)

KEYS_ENV = "SYMCHECK_ENCRYPTION_KEYS"
TABLE_NAME = "rasa_trackers"

metadata = sa.MetaData()

# Mirrors symcheck.storage.models.RasaTracker (created by the Alembic migration).
trackers_table = sa.Table(
    TABLE_NAME,
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("data_enc", sa.Text(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


class TrackerStoreConfigError(RasaException):
    """The store cannot start: missing keys, unsupported URL, missing table or driver.

    Deliberately not an ``ImportError``/``AttributeError``: Rasa replaces a custom tracker
    store that raises those with an in-memory one, silently.
    """


class TrackerDecryptionError(RasaException):
    """A stored tracker cannot be decrypted with the configured keys."""


def build_fernet(keys: str | None) -> MultiFernet:
    """A MultiFernet from comma-separated keys (first encrypts, all decrypt)."""
    parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
    if not parts:
        raise TrackerStoreConfigError(
            f"set {KEYS_ENV} (comma-separated Fernet keys) before starting Rasa"
        )
    try:
        return MultiFernet([Fernet(k.encode("ascii")) for k in parts])
    except (ValueError, UnicodeError) as exc:
        raise TrackerStoreConfigError(f"{KEYS_ENV} holds an invalid Fernet key") from exc


def sync_database_url(url: str | None) -> str:
    """The SQLAlchemy 1.4 URL for ``url``: PostgreSQL URLs use psycopg2 (installed with Rasa).

    Accepts ``sqlite:///path`` and ``postgresql://``, ``postgres://``,
    ``postgresql+psycopg://`` or ``postgresql+psycopg2://`` URLs (the gateway's URL as-is).
    """
    if not url or not str(url).strip():
        raise TrackerStoreConfigError("set DATABASE_URL: the tracker store needs a database URL")
    url = str(url).strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError as exc:
        raise TrackerStoreConfigError("DATABASE_URL is not a valid database URL") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg2")
    elif backend != "sqlite":
        raise TrackerStoreConfigError(
            f"unsupported database {backend!r} for the tracker store (use sqlite or postgresql)"
        )
    return parsed.render_as_string(hide_password=False)


def pack(plaintext: str) -> bytes:
    """The serialised tracker, zlib-compressed (trackers repeat the interview state a lot)."""
    return zlib.compress(plaintext.encode("utf-8"), 6)


def unpack(data: bytes) -> str:
    """The serialised tracker from :func:`pack` (plain UTF-8 JSON is accepted too)."""
    if data[:1] == b"{":
        return data.decode("utf-8")
    return zlib.decompress(data).decode("utf-8")


def current_session_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serialised events of the latest session (from its ``action_session_start``)."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "action" and event.get("name") == ACTION_SESSION_START_NAME:
            return events[index:]
    return events


def _build_engine(url: str) -> Engine:
    # hide_parameters: database errors must not echo values into Rasa's logs.
    if make_url(url).get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url, future=True, hide_parameters=True, connect_args={"timeout": 30}
        )

        @sa_event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return sa.create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True)


def _upsert(engine: Engine, values: dict[str, Any]) -> Any:
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(trackers_table).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[trackers_table.c.sender_id],
        set_={"data_enc": statement.excluded.data_enc, "updated_at": statement.excluded.updated_at},
    )


class EncryptedSQLTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Stores the current session of each conversation as one encrypted row.

    Args:
        domain: the assistant's domain (Rasa passes it).
        host: the database URL (``url`` in ``endpoints.yml``; Rasa passes it as ``host``).
        event_broker: optional Rasa event broker.
        encryption_keys: comma-separated Fernet keys; defaults to ``$SYMCHECK_ENCRYPTION_KEYS``.
        engine: an existing SQLAlchemy engine (tests); ``host`` is ignored then.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        encryption_keys: str | None = None,
        engine: Engine | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        keys = encryption_keys if encryption_keys is not None else os.environ.get(KEYS_ENV)
        self._fernet = build_fernet(keys)
        try:
            self._engine = engine if engine is not None else _build_engine(sync_database_url(host))
            self._check_table()
        except (ImportError, AttributeError) as exc:  # Rasa would swallow these silently
            raise TrackerStoreConfigError(
                f"cannot open the tracker database ({type(exc).__name__}: {exc})"
            ) from exc
        logger.debug("EncryptedSQLTrackerStore ready (%s)", self._engine.dialect.name)

    @property
    def engine(self) -> Engine:
        return self._engine

    def _check_table(self) -> None:
        if not sa.inspect(self._engine).has_table(TABLE_NAME):
            raise TrackerStoreConfigError(
                f"table {TABLE_NAME!r} is missing: run `symcheck db upgrade` first"
            )

    # -- serialisation ---------------------------------------------------------------------

    def _encrypt_tracker(self, tracker: DialogueStateTracker) -> str:
        dialogue = tracker.as_dialogue().as_dict()
        dialogue["events"] = current_session_events(dialogue["events"])
        plaintext = json.dumps(dialogue, separators=(",", ":"), ensure_ascii=False)
        return self._fernet.encrypt(pack(plaintext)).decode("ascii")

    def _decrypt(self, sender_id: str, token: str) -> str:
        try:
            return unpack(self._fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, UnicodeError, zlib.error) as exc:
            raise TrackerDecryptionError(
                f"cannot decrypt the stored tracker (conversation_ref={ref(sender_id)}) "
                f"with {KEYS_ENV}"
            ) from exc

    # -- blocking database work (run in a worker thread) -----------------------------------

    def _write(self, sender_id: str, data_enc: str) -> None:
        values = {
            "sender_id": sender_id,
            "data_enc": data_enc,
            "updated_at": datetime.now(timezone.utc),
        }
        with self._engine.begin() as connection:
            connection.execute(_upsert(self._engine, values))

    def _read(self, sender_id: str) -> str | None:
        query = sa.select(trackers_table.c.data_enc).where(trackers_table.c.sender_id == sender_id)
        with self._engine.connect() as connection:
            return connection.execute(query).scalar_one_or_none()

    def _read_keys(self) -> list[str]:
        with self._engine.connect() as connection:
            return list(connection.execute(sa.select(trackers_table.c.sender_id)).scalars())

    # -- TrackerStore API ------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Encrypt the tracker's current session and upsert its row."""
        if self.event_broker is not None:
            await self.stream_events(tracker)
        data_enc = self._encrypt_tracker(tracker)
        await asyncio.to_thread(self._write, tracker.sender_id, data_enc)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the current session, or ``None`` for an unknown conversation."""
        token = await asyncio.to_thread(self._read, sender_id)
        if token is None:
            return None
        return self.deserialise_tracker(sender_id, self._decrypt(sender_id, token))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Same as :meth:`retrieve`: earlier sessions are not kept."""
        return await self.retrieve(conversation_id)

    async def exists(self, conversation_id: str) -> bool:
        return await asyncio.to_thread(self._read, conversation_id) is not None

    async def keys(self) -> Iterable[str]:
        return await asyncio.to_thread(self._read_keys)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()
