#!/usr/bin/env bash
# Builds (or reuses) the venv of the engine integration tests: ~/.cache/deliberate-venv/<hash of the requirements>.
# `setup-venv.sh --print` prints its path; DELIBERATE_VENV overrides it. The install uses uv (from PyPI, through pip):
# it downloads in parallel, about 2 minutes for the 4 GB of torch's wheels where pip took 16 on the same machine.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
key="$(cat "$here/requirements.txt" "$here/requirements-no-deps.txt" | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/deliberate-venv"
venv="${DELIBERATE_VENV:-$cache/$key}"
if [ "${1:-}" = "--print" ]; then echo "$venv"; exit 0; fi
[ -f "$venv/.complete" ] && exit 0
started=$(date +%s)
rm -rf "$venv" && mkdir -p "$cache" "$(dirname "$venv")" || exit 1
if [ ! -x "$cache/uv-tool/bin/uv" ]; then
  rm -rf "$cache/uv-tool"
  python3 -m venv "$cache/uv-tool" && "$cache/uv-tool/bin/python" -m pip install -q --disable-pip-version-check uv==0.13.9 \
    || { echo "error: could not install uv from PyPI into $cache/uv-tool"; exit 1; }
fi
export UV_CACHE_DIR="$cache/uv-cache"
uv="$cache/uv-tool/bin/uv"
"$uv" venv -q --python python3 "$venv" || exit 1
"$uv" pip install -q --python "$venv/bin/python" -r "$here/requirements.txt" || exit 1
"$uv" pip install -q --python "$venv/bin/python" --no-deps -r "$here/requirements-no-deps.txt" || exit 1
touch "$venv/.complete"
echo "python venv built in $(( $(date +%s) - started )) s: $venv"
