#!/usr/bin/env bash
# `make test`: every gate and every test. Installs what is missing first.
#   fmt, clippy (both sides), unit + integration tests on SQLite and on a throwaway
#   PostgreSQL, then Playwright end-to-end tests in Debian's Chromium against the release build,
#   the first-load size check, the shutdown test and the reliability battery
#   (scripts/battery.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
source scripts/env.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy: server side"
cargo clippy -p server -p app --all-targets -- -D warnings
step "clippy: browser side"
cargo clippy -p frontend -p app --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite)"
cargo test --release -p server -p app

step "integration tests (PostgreSQL)"
pg_url=$(scripts/pg.sh start)
trap 'scripts/pg.sh stop' EXIT
# The same package selection as above, so nothing is rebuilt.
SIGNALROOM_TEST_DATABASE_URL="$pg_url" cargo test --release -p server -p app

step "end-to-end tests (Playwright + Chromium, release build)"
scripts/build-site.sh
scripts/e2e.sh

step "first-load size check (the summary's and the sign-in page's bytes)"
"$CARGO_TARGET_DIR/release/signalroom-bench" --only bundle --check

step "graceful shutdown (SIGTERM during an ingest)"
scripts/shutdown-test.sh

step "reliability battery (kill -9, replay, fuzz, partner isolation, overload, one server per file)"
scripts/battery.sh
