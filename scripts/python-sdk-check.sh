#!/usr/bin/env bash
# Drives the simulated tenant with Visier's official Python SDK (visier-platform-sdk from PyPI),
# a client written independently of this project: ASID login, OAuth2 password login, paged user
# listing, a v2 bulk add with one failing item, a v2 group create and list, v1 membership,
# permission and profile assignment, the analytic tenants, a draft project created, listed,
# changed, published as one production version and another deleted, the production versions,
# a bulk update and delete, and an XLSX report. The SDK's strict models parse every answer.
# Then `vsync sync` (the binary the tests build) of 300 memberships in 5 new groups and 20
# permission assignments, read back with the SDK without ProjectID: one production version,
# no open project, every change in production; a second sync publishes none.
#
# Installs the pinned SDK into .venv-sdk on first use. Needs python3 and cargo.
# `--install-only` sets up the virtual environment and stops (CI runs it while cargo builds).
set -euo pipefail
cd "$(dirname "$0")/.."

SDK_VERSION="22222222.99201.3062" # the spec version of shared/visier-api/users-api.openapi.yaml
VENV=".venv-sdk"

if ! command -v python3 >/dev/null; then
    echo "python3 not found: skipping the Python SDK check"
    exit 0
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import visier_platform_sdk" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "visier-platform-sdk==$SDK_VERSION"
fi
if [ "${1:-}" = "--install-only" ]; then
    exit 0
fi

# The simulator binary as `cargo test --workspace` builds it: the same features, so after the
# tests this builds nothing (a plain `cargo build -p vsync-sim` would rebuild tokio, hyper and
# more with the features of that one package).
cargo test --workspace --no-run --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
log=$(mktemp)
"$target_dir/debug/vsync-sim" --port 0 --seed-users 1500 --seed 7 >"$log" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 100); do
    url=$(sed -n 's/^vsync-sim listening on \(http:[^ ]*\).*$/\1/p' "$log" | head -n1)
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "the simulated tenant did not start:"
    cat "$log"
    exit 1
fi

"$VENV/bin/python" scripts/python_sdk_check.py "$url" "$target_dir/debug/vsync"
