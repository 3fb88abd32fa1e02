"""``symcheck kb``: the clinical-content version lock.

- ``symcheck kb check``: exit 1 when the knowledge base or the red-flag rules changed without
  a version bump, or their current version is not locked yet.
- ``symcheck kb lock [--force]``: record the current versions' hashes in
  ``knowledge_base/versions.lock`` and ``triage_rules/versions.lock``. Only content that
  loads and validates is locked; a version already locked with another hash is refused
  (exit 1) unless ``--force``.

Exit 2 when the content or a lock file cannot be read. See
:mod:`symcheck.evaluation.content_lock` for the hash and the file format.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from symcheck.clinical.knowledge.base import KnowledgeBaseError
from symcheck.clinical.knowledge.loader import load_knowledge_base
from symcheck.clinical.rules.loader import load_rules
from symcheck.clinical.rules.ruleset import RuleSetError
from symcheck.evaluation.content_lock import (
    ContentSet,
    LockConflictError,
    LockError,
    check_content,
    display_path,
    lock_content,
    shipped_content_sets,
)
from symcheck.settings import get_settings

EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_UNREADABLE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("check", "lock"), help="check or record the lock")
    parser.add_argument(
        "--force",
        action="store_true",
        help="lock: overwrite a version already recorded with another hash",
    )
    parser.add_argument("--kb-dir", type=Path, help="knowledge base (default: SYMCHECK_KB_DIR)")
    parser.add_argument(
        "--rules-dir", type=Path, help="red-flag rules (default: SYMCHECK_RULES_DIR)"
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    kb_dir: Path = args.kb_dir or settings.kb_dir
    rules_dir: Path = args.rules_dir or settings.rules_dir
    contents = shipped_content_sets(kb_dir, rules_dir)
    if args.action == "check":
        return check(contents)
    try:
        load_rules(rules_dir, load_knowledge_base(kb_dir))
    except (KnowledgeBaseError, RuleSetError, OSError) as exc:
        print(f"symcheck kb: not locking invalid content: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    return lock(contents, force=args.force)


def check(contents: Sequence[ContentSet]) -> int:
    """Check every content set; print one line each."""
    code = EXIT_OK
    for content in contents:
        try:
            result = check_content(content)
        except LockError as exc:
            print(f"symcheck kb: {content.name}: {exc}", file=sys.stderr)
            code = max(code, EXIT_UNREADABLE)
            continue
        if result.ok:
            print(f"{content.name} {result.version}: ok ({display_path(content.lock_path)})")
        else:
            print(f"symcheck kb: {content.name}: {result.message}", file=sys.stderr)
            code = max(code, EXIT_MISMATCH)
    return code


def lock(contents: Sequence[ContentSet], force: bool = False) -> int:
    """Record every content set's current version; print what was done."""
    code = EXIT_OK
    for content in contents:
        try:
            version, digest, action = lock_content(content, force=force)
        except LockConflictError as exc:
            print(f"symcheck kb: {content.name}: {exc}", file=sys.stderr)
            code = max(code, EXIT_MISMATCH)
            continue
        except LockError as exc:
            print(f"symcheck kb: {content.name}: {exc}", file=sys.stderr)
            code = max(code, EXIT_UNREADABLE)
            continue
        where = display_path(content.lock_path)
        print(f"{content.name} {version}: {action.value} {digest} ({where})")
    return code
