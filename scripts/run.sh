#!/usr/bin/env bash
# `make run`: install what is missing, build, serve on SQLite with demo data. The demo lives in
# its own file (data/demo.db): the server refuses to put demo data into a store with real data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
scripts/build-site.sh
source scripts/env.sh
export DATABASE_URL="${DATABASE_URL:-sqlite://data/demo.db}"
export SIGNALROOM_DEMO=1
export SIGNALROOM_INGEST_KEY="${SIGNALROOM_INGEST_KEY:-demo-ingest-key}"
echo
echo "Ingest key: $SIGNALROOM_INGEST_KEY (set SIGNALROOM_INGEST_KEY to choose your own)"
echo "Sign in as admin@demo.signalroom, analyst@…, viewer@… or partner@demo.signalroom"
echo "(partner of globex), password signalroom-demo."
exec "$CARGO_TARGET_DIR/release/signalroom"
