#!/usr/bin/env bash
# Starts the release server on a fresh SQLite database with demo data and runs Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
work=$(mktemp -d)
port="${SIGNALROOM_E2E_PORT:-3187}"
export SIGNALROOM_ADDR="127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/e2e.db"
export SIGNALROOM_INGEST_KEY="e2e-ingest-key-0001"
export SIGNALROOM_DEMO=1
"$CARGO_TARGET_DIR/release/signalroom" > "$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -fsS "http://$SIGNALROOM_ADDR/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
curl -fsS "http://$SIGNALROOM_ADDR/readyz" >/dev/null || { cat "$work/server.log"; exit 1; }
cd end2end
BASE_URL="http://$SIGNALROOM_ADDR" INGEST_KEY="$SIGNALROOM_INGEST_KEY" npx playwright test || {
  echo "--- server log ---"; tail -50 "$work/server.log"; exit 1; }
# Segment's own Python SDK, unchanged but for its host, against the same server.
BASE_URL="http://$SIGNALROOM_ADDR" INGEST_KEY="$SIGNALROOM_INGEST_KEY" python3 segment_sdk_test.py || {
  echo "--- server log ---"; tail -50 "$work/server.log"; exit 1; }
