#!/usr/bin/env bash
# Starts the release server on a fresh SQLite database with demo data and runs Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export SIGNALROOM_ADDR="127.0.0.1:${SIGNALROOM_E2E_PORT:-3187}"
source scripts/serve-demo.sh
cd end2end
BASE_URL="http://$SIGNALROOM_ADDR" INGEST_KEY="$SIGNALROOM_INGEST_KEY" npx playwright test || {
  echo "--- server log ---"; tail -50 "$work/server.log"; exit 1; }
# Segment's own Python SDK, unchanged but for its host, against the same server.
BASE_URL="http://$SIGNALROOM_ADDR" INGEST_KEY="$SIGNALROOM_INGEST_KEY" python3 segment_sdk_test.py || {
  echo "--- server log ---"; tail -50 "$work/server.log"; exit 1; }
