"""One database session per request or unit of work, with every repository on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from symcheck.crypto import Cipher
from symcheck.storage.repositories.attachments import AttachmentRepository
from symcheck.storage.repositories.audit import AuditRepository
from symcheck.storage.repositories.cases import CaseRepository
from symcheck.storage.repositories.clinicians import ClinicianRepository
from symcheck.storage.repositories.conversations import ConversationRepository
from symcheck.storage.repositories.erasures import ErasureRepository
from symcheck.storage.repositories.messages import MessageRepository
from symcheck.storage.repositories.outbox import OutboxRepository
from symcheck.storage.repositories.sessions import SessionRepository

T = TypeVar("T")


class UnitOfWork:
    """The repositories of one transaction. Commit happens when the block ends cleanly."""

    def __init__(self, session: Session, cipher: Cipher, hasher: PasswordHasher) -> None:
        self.session = session
        self.conversations = ConversationRepository(session, cipher)
        self.messages = MessageRepository(session, cipher)
        self.cases = CaseRepository(session, cipher)
        self.clinicians = ClinicianRepository(session, hasher)
        self.sessions = SessionRepository(session)
        self.audit = AuditRepository(session)
        self.outbox = OutboxRepository(session, cipher)
        self.attachments = AttachmentRepository(session, cipher)
        self.erasures = ErasureRepository(session)


class Store:
    """Opens units of work on a session factory with the cipher and password hasher injected.

    Example::

        with store.unit_of_work() as uow:
            conversation = uow.conversations.create()
            uow.messages.append(conversation.id, ...)
        # committed here; rolled back if the block raised
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        cipher: Cipher,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._factory = factory
        self.cipher = cipher
        self.hasher = hasher or PasswordHasher()

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with self._factory() as session, session.begin():
            yield UnitOfWork(session, self.cipher, self.hasher)

    def run(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work`` in one unit of work and return its result."""
        with self.unit_of_work() as uow:
            return work(uow)
