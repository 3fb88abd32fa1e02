"""The content version lock, on temporary copies of the fixture content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from symcheck.evaluation.content_lock import (
    LOCK_FILE,
    CheckStatus,
    ContentSet,
    LockAction,
    LockConflictError,
    LockError,
    check_content,
    check_entries,
    content_hash,
    lock_content,
    parse_lock,
    render_lock,
    shipped_content_sets,
    with_entry,
)
from tests.fixtures.kb_small import KB_DIR

H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64


@pytest.fixture
def kb(tmp_path: Path) -> ContentSet:
    """A writable copy of the fixture knowledge base (without its rules)."""
    root = tmp_path / "kb"
    shutil.copytree(KB_DIR, root, ignore=shutil.ignore_patterns("rules", "*.py", "__pycache__"))
    return ContentSet("knowledge base", root, "kb.yml")


def bump(content: ContentSet, version: str) -> None:
    path = content.version_path
    path.write_text(path.read_text().replace("version: 0.0.1", f"version: {version}"))


def test_check_passes_when_the_version_is_recorded_with_this_hash() -> None:
    assert check_entries({"0.1.0": H1}, "0.1.0", H1).status is CheckStatus.OK


def test_check_fails_when_the_content_changed_without_a_bump() -> None:
    result = check_entries({"0.1.0": H1}, "0.1.0", H2, "knowledge_base/kb.yml")
    assert result.status is CheckStatus.CHANGED
    assert result.message.startswith(
        "content changed: bump knowledge_base/kb.yml version and run `symcheck kb lock`"
    )


def test_check_fails_when_the_version_is_not_recorded() -> None:
    result = check_entries({"0.1.0": H1}, "0.2.0", H1)
    assert result.status is CheckStatus.UNRECORDED
    assert "not recorded" in result.message
    assert "symcheck kb lock" in result.message


def test_a_new_version_is_appended() -> None:
    entries, action = with_entry({"0.1.0": H1}, "0.2.0", H2)
    assert action is LockAction.ADDED
    assert list(entries.items()) == [("0.1.0", H1), ("0.2.0", H2)]


def test_locking_the_same_hash_again_changes_nothing() -> None:
    assert with_entry({"0.1.0": H1}, "0.1.0", H1) == ({"0.1.0": H1}, LockAction.UNCHANGED)


def test_overwriting_a_version_with_another_hash_is_refused() -> None:
    with pytest.raises(LockConflictError, match="already locked"):
        with_entry({"0.1.0": H1}, "0.1.0", H2)


def test_overwriting_is_allowed_with_force() -> None:
    assert with_entry({"0.1.0": H1}, "0.1.0", H2, force=True) == (
        {"0.1.0": H2},
        LockAction.REPLACED,
    )


def test_the_lock_file_round_trips() -> None:
    entries = {"0.1.0": H1, "0.2.0": H2}
    text = render_lock(entries)
    assert text.startswith("#")
    assert parse_lock(text) == entries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.1.0\n", "expected"),
        (f"v1 {H1}\n", "expected"),
        ("0.1.0 sha256:abc\n", "expected"),
        (f"0.1.0 {H1}\n0.1.0 {H2}\n", "recorded twice"),
    ],
)
def test_a_malformed_lock_file_names_the_line(text: str, message: str) -> None:
    with pytest.raises(LockError, match=message):
        parse_lock(text, "versions.lock")


def test_the_hash_ignores_comments_and_formatting(kb: ContentSet) -> None:
    before = content_hash(kb.directory)
    path = kb.version_path
    path.write_text("# a new comment\n" + path.read_text().replace(": ", ":   ") + "\n\n")
    assert content_hash(kb.directory) == before


def test_the_hash_changes_with_content(kb: ContentSet) -> None:
    before = content_hash(kb.directory)
    path = next((kb.directory / "conditions").glob("*.yml"))
    path.write_text(path.read_text().replace("prevalence: 0.", "prevalence: 0.0", 1))
    assert content_hash(kb.directory) != before


def test_the_hash_changes_when_a_file_is_added(kb: ContentSet) -> None:
    before = content_hash(kb.directory)
    (kb.directory / "findings" / "zz_new.yml").write_text("system: x\nfindings: []\n")
    assert content_hash(kb.directory) != before


def test_the_lock_file_itself_is_not_hashed(kb: ContentSet) -> None:
    before = content_hash(kb.directory)
    lock_content(kb)
    assert content_hash(kb.directory) == before


def test_an_unparsable_yaml_file_is_named(kb: ContentSet) -> None:
    (kb.directory / "findings" / "broken.yml").write_text("findings: [\n")
    with pytest.raises(LockError, match=r"broken\.yml: cannot read"):
        content_hash(kb.directory)


def test_lock_then_check_passes(kb: ContentSet) -> None:
    version, _, action = lock_content(kb)
    assert (version, action) == ("0.0.1", LockAction.ADDED)
    assert (kb.directory / LOCK_FILE).exists()
    assert check_content(kb).ok


def test_changed_content_without_a_bump_fails_the_check(kb: ContentSet) -> None:
    lock_content(kb)
    path = kb.version_path
    path.write_text(path.read_text().replace("title: ", "title: Changed "))
    result = check_content(kb)
    assert result.status is CheckStatus.CHANGED
    assert "bump" in result.message
    assert "kb.yml" in result.message


def test_a_bump_without_locking_fails_then_locking_fixes_it(kb: ContentSet) -> None:
    lock_content(kb)
    bump(kb, "0.0.2")
    assert check_content(kb).status is CheckStatus.UNRECORDED
    _, _, action = lock_content(kb)
    assert action is LockAction.ADDED
    assert check_content(kb).ok
    assert list(parse_lock((kb.directory / LOCK_FILE).read_text())) == ["0.0.1", "0.0.2"]


def test_a_missing_lock_file_means_nothing_is_recorded(kb: ContentSet) -> None:
    assert check_content(kb).status is CheckStatus.UNRECORDED


def test_a_version_file_without_a_version_is_an_error(kb: ContentSet) -> None:
    kb.version_path.write_text("title: no version\n")
    with pytest.raises(LockError, match="no 'version"):
        check_content(kb)


def test_the_shipped_sets_are_the_knowledge_base_and_the_rules(tmp_path: Path) -> None:
    kb_set, rules_set = shipped_content_sets(tmp_path / "kb", tmp_path / "rules")
    assert (kb_set.version_file, rules_set.version_file) == ("kb.yml", "ruleset.yml")
    assert rules_set.lock_path == tmp_path / "rules" / LOCK_FILE
