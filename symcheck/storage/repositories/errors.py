"""Errors raised by the repositories."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of repository errors."""


class NotFoundError(StorageError):
    """The row does not exist."""


class ConflictError(StorageError):
    """The change conflicts with the row's current state (e.g. resolving a resolved case)."""


class DuplicateError(StorageError):
    """A unique value is already taken (e.g. a clinician's email)."""
