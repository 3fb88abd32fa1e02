#!/usr/bin/env bash
# Create the two virtual environments if missing and install the pinned dependencies when the
# lock files changed. Idempotent and quick when nothing changed.
#   .venv/       Python 3.11: symcheck (gateway, action server, clinical engine, CLI), tests
#   .venv-rasa/  Python 3.10: Rasa Open Source 3.6.21
set -euo pipefail
cd "$(dirname "$0")/.."
# Some machines configure extra package indexes that lack most packages; pip then warns once
# per package. Keep real errors, drop that noise.
exec 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

ensure_venv() {  # dir python-version lockfile extra-install-command...
  local dir="$1" version="$2" lock="$3"; shift 3
  local want
  if [ "$dir" = .venv ]; then want="$(stamp_of "$lock" pyproject.toml)"; else want="$(stamp_of "$lock")"; fi
  if [ -x "$dir/bin/python" ] && ! "$dir/bin/python" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$version'" 2>/dev/null; then
    echo "==> $dir has the wrong Python; recreating"; rm -rf "$dir"
  fi
  if [ ! -x "$dir/bin/python" ]; then
    local python; python="$(scripts/find-python.sh "$version")"
    echo "==> creating $dir with $python"
    "$python" -m venv "$dir"
  fi
  if [ "$(cat "$dir/.installed" 2>/dev/null || true)" != "$want" ]; then
    echo "==> installing pinned dependencies into $dir (from $lock)"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "pip==26.3"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$lock"
    "$@"
    echo "$want" > "$dir/.installed"
  fi
}

ensure_venv .venv 3.11 requirements/app.lock \
  env PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
ensure_venv .venv-rasa 3.10 requirements/rasa.lock true
