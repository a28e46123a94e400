#!/usr/bin/env bash
# Builds (or reuses) the venv of the engine integration tests: ~/.cache/deliberate-venv/<hash of the requirements>.
# `setup-venv.sh --print` prints its path. DELIBERATE_VENV overrides the location.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
key="$(cat "$here/requirements.txt" "$here/requirements-no-deps.txt" | sha256sum | cut -c1-16)"
venv="${DELIBERATE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/deliberate-venv/$key}"
if [ "${1:-}" = "--print" ]; then echo "$venv"; exit 0; fi
[ -f "$venv/.complete" ] && exit 0
started=$(date +%s)
rm -rf "$venv" && mkdir -p "$(dirname "$venv")" || exit 1
python3 -m venv "$venv" || exit 1
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt" || exit 1
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$here/requirements-no-deps.txt" || exit 1
touch "$venv/.complete"
echo "python venv built in $(( $(date +%s) - started )) s: $venv"
