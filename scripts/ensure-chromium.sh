#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (browser downloads are not
# possible or wanted). Install it from the distribution when it is missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "==> installing Chromium from the distribution (for the browser tests)"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "error: Chromium is missing and I cannot install it without root: apt-get install chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium >/dev/null
