#!/usr/bin/env bash
# Builds the release site without cargo-leptos: the WASM bundle (wasm-bindgen + wasm-opt),
# styles, public files and ECharts, precompressed; then the release server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
site="$SIGNALROOM_SITE_ROOT"

step "building the browser bundle (wasm-release)"
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release
mkdir -p "$site/pkg" "$site/assets"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name signalroom \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
# binaryen from npm (pinned in package.json): Debian's 108 corrupts reference-type tables.
node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  "$site/pkg/signalroom_bg.wasm" -o "$site/pkg/signalroom_bg.opt.wasm"
mv "$site/pkg/signalroom_bg.opt.wasm" "$site/pkg/signalroom_bg.wasm"
cp style/main.css "$site/pkg/signalroom.css"
cp -r public/. "$site/"
cp node_modules/echarts/dist/echarts.common.min.js "$site/assets/echarts.min.js"

step "precompressing"
for f in "$site"/pkg/*.js "$site"/pkg/*.wasm "$site"/pkg/*.css "$site"/assets/*.js; do
  case "$f" in *.br|*.gz) continue ;; esac
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -k -9 "$f"
done
ls -l "$site/pkg" "$site/assets" | awk 'NF > 5 { printf "  %8d  %s\n", $5, $9 }'

step "building the server (release)"
# Same package selection as the tests, so their artifacts are reused.
cargo build --release -p server -p app --bins
