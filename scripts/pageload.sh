#!/usr/bin/env bash
# Page speed in Chromium (end2end/bench/pageload.mjs) against the release site with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export SIGNALROOM_ADDR="127.0.0.1:${SIGNALROOM_BENCH_PORT:-3188}"
source scripts/serve-demo.sh
# The demo's start re-scores its feedback and runs a first alert pass: measure a settled server.
sleep 5
BASE_URL="http://$SIGNALROOM_ADDR" node end2end/bench/pageload.mjs
