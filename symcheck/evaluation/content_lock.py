"""The clinical-content version lock: each released version maps to a hash of its content.

Each versioned content directory (``knowledge_base/`` with its version in ``kb.yml``,
``triage_rules/`` with its version in ``ruleset.yml``) has a ``versions.lock`` next to it::

    # comments
    0.2.0 sha256:3f5a...
    0.3.0 sha256:9c1e...

The hash covers every YAML file under the directory (``*.yml`` and ``*.yaml``, recursively,
sorted by relative path), *normalised*: each file is parsed and re-serialised as canonical
JSON, so comments, quoting, key order and whitespace do not count; any change to what the
loader reads does. The version field is part of the content, so two versions never share a
hash.

The check fails when the current version is not recorded, or is recorded with another hash
(the content changed without a version bump). ``symcheck kb lock`` records the current
version; it refuses to overwrite a version recorded with a different hash unless forced.

The decisions (:func:`check_entries`, :func:`with_entry`, :func:`parse_lock`,
:func:`render_lock`) are pure; the rest reads and writes files.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from symcheck.settings import REPO_ROOT

LOCK_FILE = "versions.lock"
LOCK_COMMAND = "symcheck kb lock"
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HEADER = (
    "# Clinical content lock: version -> SHA-256 of the normalised YAML content.\n"
    f"# Written by `{LOCK_COMMAND}`; checked by `symcheck kb check` and the content tests.\n"
)


class LockError(ValueError):
    """The lock file or the content cannot be read."""


class LockConflictError(LockError):
    """The version is already recorded with a different hash."""


@dataclass(frozen=True)
class ContentSet:
    """A directory of versioned YAML content.

    Attributes:
        name: what to call it in messages ("knowledge base").
        directory: the content root; the lock file lives here.
        version_file: the file (relative to ``directory``) whose ``version`` key is the
            content's version.
    """

    name: str
    directory: Path
    version_file: str

    @property
    def lock_path(self) -> Path:
        return self.directory / LOCK_FILE

    @property
    def version_path(self) -> Path:
        return self.directory / self.version_file


def shipped_content_sets(kb_dir: Path, rules_dir: Path) -> tuple[ContentSet, ...]:
    """The knowledge base and the red-flag rules, each locked by its own version."""
    return (
        ContentSet("knowledge base", kb_dir, "kb.yml"),
        ContentSet("red-flag rules", rules_dir, "ruleset.yml"),
    )


class CheckStatus(StrEnum):
    OK = "ok"
    UNRECORDED = "unrecorded"  # the current version has no entry yet
    CHANGED = "changed"  # the content differs from what its version recorded


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one content set against its lock."""

    status: CheckStatus
    version: str
    current: str
    recorded: str | None
    message: str

    @property
    def ok(self) -> bool:
        return self.status is CheckStatus.OK


class LockAction(StrEnum):
    ADDED = "added"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


def check_entries(
    entries: Mapping[str, str], version: str, current: str, version_file: str = "kb.yml"
) -> CheckResult:
    """Compare the current version and hash with the recorded entries (pure).

    Args:
        entries: version -> recorded hash.
        version: the version the content declares.
        current: the hash of the content now.
        version_file: how to name the version file in the message.
    """
    recorded = entries.get(version)
    if recorded is None:
        return CheckResult(
            CheckStatus.UNRECORDED,
            version,
            current,
            None,
            f"version {version} ({version_file}) is not recorded in the lock: run `{LOCK_COMMAND}`",
        )
    if recorded != current:
        return CheckResult(
            CheckStatus.CHANGED,
            version,
            current,
            recorded,
            f"content changed: bump {version_file} version and run `{LOCK_COMMAND}` "
            f"(version {version} was locked as {recorded}; the content now hashes to {current})",
        )
    return CheckResult(CheckStatus.OK, version, current, recorded, f"version {version} matches")


def with_entry(
    entries: Mapping[str, str], version: str, current: str, force: bool = False
) -> tuple[dict[str, str], LockAction]:
    """The entries with ``version`` recorded as ``current`` (pure; order kept, new last).

    Raises:
        LockConflictError: ``version`` is recorded with another hash and ``force`` is off.
    """
    recorded = entries.get(version)
    updated = dict(entries)
    if recorded == current:
        return updated, LockAction.UNCHANGED
    if recorded is not None and not force:
        raise LockConflictError(
            f"version {version} is already locked as {recorded}, but the content now hashes "
            f"to {current}: bump the version (or use --force to overwrite a version that was "
            "never released)"
        )
    updated[version] = current
    return updated, LockAction.REPLACED if recorded is not None else LockAction.ADDED


def parse_lock(text: str, source: str = LOCK_FILE) -> dict[str, str]:
    """Version -> hash from a lock file's text (pure).

    Raises:
        LockError: a line is malformed or a version appears twice (naming the line).
    """
    entries: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or not _VERSION.match(parts[0]) or not _HASH.match(parts[1]):
            raise LockError(
                f"{source}:{number}: expected '<version> sha256:<64 hex>', got {line!r}"
            )
        version, digest = parts
        if version in entries:
            raise LockError(f"{source}:{number}: version {version} is recorded twice")
        entries[version] = digest
    return entries


def render_lock(entries: Mapping[str, str]) -> str:
    """The lock file's text for ``entries`` (pure)."""
    return _HEADER + "".join(f"{version} {digest}\n" for version, digest in entries.items())


def normalised(data: Any) -> str:
    """Canonical JSON of parsed YAML: sorted keys, no whitespace, non-JSON scalars as text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def content_files(directory: Path) -> list[Path]:
    """Every YAML file under ``directory``, sorted by relative path."""
    files = [p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def content_hash(directory: Path) -> str:
    """``sha256:<hex>`` of the normalised YAML content under ``directory``.

    Raises:
        LockError: there is no YAML file, or one cannot be read or parsed.
    """
    files = content_files(directory)
    if not files:
        raise LockError(f"{directory}: no YAML files")
    digest = hashlib.sha256()
    for path in files:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (safe)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise LockError(f"{path}: cannot read: {exc}") from exc
        relative = path.relative_to(directory).as_posix()
        digest.update(f"{relative}\n{normalised(data)}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def read_version(content: ContentSet) -> str:
    """The ``version`` declared in the content set's version file.

    Raises:
        LockError: the file is missing or has no well-formed version.
    """
    path = content.version_path
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (safe)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LockError(f"{path}: cannot read: {exc}") from exc
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not _VERSION.match(version):
        raise LockError(f"{path}: no 'version: X.Y.Z'")
    return version


def read_lock(content: ContentSet) -> dict[str, str]:
    """The recorded entries (none when the lock file does not exist yet)."""
    path = content.lock_path
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LockError(f"{path}: cannot read: {exc}") from exc
    return parse_lock(text, display_path(path))


def check_content(content: ContentSet) -> CheckResult:
    """Check a content set against its lock file."""
    return check_entries(
        read_lock(content),
        read_version(content),
        content_hash(content.directory),
        display_path(content.version_path),
    )


def lock_content(content: ContentSet, force: bool = False) -> tuple[str, str, LockAction]:
    """Record the content set's current version and hash in its lock file.

    Returns:
        ``(version, hash, action)``; the file is only written when something changed.

    Raises:
        LockConflictError: the version is recorded with another hash and ``force`` is off.
    """
    version = read_version(content)
    current = content_hash(content.directory)
    entries, action = with_entry(read_lock(content), version, current, force)
    if action is not LockAction.UNCHANGED:
        content.lock_path.write_text(render_lock(entries), encoding="utf-8")
    return version, current, action


def display_path(path: Path) -> str:
    """``path`` relative to the repository when inside it (``knowledge_base/kb.yml``)."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)
