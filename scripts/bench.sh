#!/usr/bin/env bash
# `make bench`: release build, then ingest and summary-latency figures on SQLite at 1M rows.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
source scripts/env.sh
# The same package selection as scripts/build-site.sh, so the bench reuses its artefacts.
cargo build --release -p server -p app --bins
"$CARGO_TARGET_DIR/release/signalroom-bench" "$@"
