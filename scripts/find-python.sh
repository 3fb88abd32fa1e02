#!/usr/bin/env bash
# Print the path of a Python interpreter of the given minor version (e.g. 3.10), looking in
# PATH, then pyenv, then uv. Exit 1 with a hint when none is found.
set -euo pipefail
want="${1:?usage: find-python.sh 3.10}"

works() { "$@" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$want'" >/dev/null 2>&1; }

if command -v "python$want" >/dev/null 2>&1 && works "python$want"; then
  command -v "python$want"; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  root="$(pyenv root)"
  for v in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -V -r); do
    candidate="$root/versions/$v/bin/python$want"
    if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
if command -v uv >/dev/null 2>&1; then
  candidate="$(uv python find "$want" 2>/dev/null || true)"
  if [ -n "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
fi
echo "error: Python $want not found. Install it (python$want on PATH, 'pyenv install $want' or 'uv python install $want') and run make again." >&2
exit 1
