#!/usr/bin/env bash
# `make bench`: release build, then ingest and summary-latency figures on SQLite at 1M rows.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
source scripts/env.sh
cargo build --release -p server --bin signalroom-bench
"$CARGO_TARGET_DIR/release/signalroom-bench" "$@"
