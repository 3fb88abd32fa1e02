"""Reading the clinical YAML data files (knowledge base, red-flag rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The C loader when PyYAML was built with libyaml; both are safe loaders.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_mapping(path: Path, error: type[Exception]) -> dict[str, Any]:
    """The YAML mapping in ``path``; ``error`` (naming the file) if unreadable or not a mapping."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (safe)
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level")
    return data
