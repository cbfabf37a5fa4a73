# Sourced by scripts/e2e.sh and scripts/pageload.sh: starts the release server on a fresh
# SQLite database with demo data on $SIGNALROOM_ADDR and stops it on exit.
work=$(mktemp -d)
export DATABASE_URL="sqlite://$work/demo.db"
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
