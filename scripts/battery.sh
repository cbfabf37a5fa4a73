#!/usr/bin/env bash
# The reliability battery (scripts/battery.py) against the release binary on a throwaway
# SQLite store: kill -9 during ingest, replay, fuzz, partner isolation, overload, one server
# per file. Bounded at 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 180 python3 scripts/battery.py "$CARGO_TARGET_DIR/release/signalroom" "$work" || {
  status=$?
  echo "--- server log ---"; tail -30 "$work/server.log" 2>/dev/null || true
  exit "$status"
}
