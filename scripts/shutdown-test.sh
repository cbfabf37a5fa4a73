#!/usr/bin/env bash
# Graceful shutdown: SIGTERM while a large ingest is in flight. The request must still be
# answered 200, the server must exit cleanly, and every acknowledged record must be there
# after a restart.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
work=$(mktemp -d)
export SIGNALROOM_ADDR="127.0.0.1:${SIGNALROOM_SHUTDOWN_PORT:-3188}"
export DATABASE_URL="sqlite://$work/shutdown.db"
export SIGNALROOM_INGEST_KEY="shutdown-ingest-key-0001"
export SIGNALROOM_DEMO=0
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "shutdown test: FAILED: $*"; cat "$work/log" 2>/dev/null | tail -20; echo "0 passed, 1 failed"; exit 1; }

python3 - "$work/body.json" <<'PY'
import datetime, json, sys
t = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
records = [{"id": f"sd-{i}", "kind": "csat", "score": 5, "responded_at": t, "comment": "x" * 50} for i in range(60000)]
json.dump(records, open(sys.argv[1], "w"))
PY

start() {
  "$CARGO_TARGET_DIR/release/signalroom" >> "$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://$SIGNALROOM_ADDR/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the server did not become ready"
}

start
curl -sS -o "$work/answer" -w '%{http_code}' -H "Authorization: Bearer $SIGNALROOM_INGEST_KEY" \
  -H 'Content-Type: application/json' --data-binary @"$work/body.json" \
  "http://$SIGNALROOM_ADDR/api/v1/surveys" > "$work/status" &
client=$!
sleep 0.2
kill -TERM "$pid"
wait "$client" || fail "the in-flight request was cut off"
wait "$pid" || fail "the server exited with status $?"
pid=""
[ "$(cat "$work/status")" = 200 ] || fail "in-flight ingest answered $(cat "$work/status")"
grep -q '"accepted":60000' "$work/answer" || fail "unexpected answer: $(head -c 200 "$work/answer")"
grep -q "shutting down" "$work/log" || fail "the server did not log its shutdown"

start
n=$(curl -fsS -H "Authorization: Bearer $SIGNALROOM_INGEST_KEY" \
  "http://$SIGNALROOM_ADDR/api/v1/metrics/csat?range=7d" | python3 -c 'import json,sys; print(json.load(sys.stdin)["n"])')
[ "$n" = 60000 ] || fail "after restart the store holds $n of 60000 acknowledged records"
echo "shutdown test: SIGTERM during a 60,000-record ingest; answered 200, all 60,000 stored after restart"
echo "1 passed, 0 failed"
