#!/usr/bin/env bash
# The report and JupyterLab browser tests drive Debian's Chromium (never a browser downloaded at run time).
# Installs it from the distribution's packages when missing and we may (root); otherwise says how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from the distribution's packages (apt-get install chromium)..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is missing: install it with your package manager (e.g. 'sudo apt-get install chromium')." >&2
exit 1
