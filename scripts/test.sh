#!/usr/bin/env bash
# The test command (README's second command; CI runs it too). It installs what the tests need
# — the package with its test extras, Debian's chromium for the browser tests and a Korean font
# for the export tests — when they are missing, then runs pytest. Screenshots and exported pages
# land in artifacts/ (kept by CI).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list :lang=ko 2>/dev/null | grep -q . || need_apt+=(fonts-nanum)
# The export tests pick chart fonts by family; Liberation Sans is the one they expect for Latin text.
fc-list 2>/dev/null | grep -q 'Liberation Sans' || need_apt+=(fonts-liberation)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

python -m pip install -q --disable-pip-version-check -e ".[test]"
mkdir -p artifacts
# Two workers (pytest-xdist), one test file each at a time: module fixtures are built once, and the
# suite takes about 10 minutes on 2 cores instead of 17.
python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
