#!/usr/bin/env bash
# `make bench`: the release site, then the server figures (ingest, latency, alerts, voice,
# partners, journey, first-load bytes) on SQLite at 1M rows and page speed in Chromium.
# `make bench ARGS="--only pageload"` runs page speed alone; other `--only` values go to
# signalroom-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
source scripts/env.sh
# The site is measured too (first-load bytes, page speed); this also builds the server.
scripts/build-site.sh
if [ "${1:-}" = "--only" ] && [ "${2:-}" = "pageload" ]; then
  exec scripts/pageload.sh
fi
"$CARGO_TARGET_DIR/release/signalroom-bench" "$@"
[ "${1:-}" = "--only" ] || scripts/pageload.sh
