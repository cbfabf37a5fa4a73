#!/usr/bin/env bash
# Builds the release site without cargo-leptos: the WASM bundle (wasm-bindgen + wasm-opt),
# styles, public files and the ECharts parts the charts use, named by content and
# precompressed; then the release server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
site="$SIGNALROOM_SITE_ROOT"

step "building the browser bundle (wasm-release)"
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release
# Afresh: files are named by their content, and old names must not pile up.
rm -rf "$site/pkg" "$site/assets" "$site/hash.txt"
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

step "bundling the ECharts parts the charts use (frontend/echarts.js)"
node_modules/.bin/esbuild frontend/echarts.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --log-level=warning \
  --banner:js="/*! Apache ECharts $(node -p "require('echarts/package.json').version") | Apache-2.0 | node_modules/echarts/LICENSE */" \
  --outfile="$site/assets/echarts.js"

step "naming files by content (hash.txt; served as immutable)"
hash() { sha256sum "$1" | cut -c1-16; }
js=$(hash "$site/pkg/signalroom.js")
wasm=$(hash "$site/pkg/signalroom_bg.wasm")
css=$(hash "$site/pkg/signalroom.css")
echarts=$(hash "$site/assets/echarts.js")
mv "$site/pkg/signalroom.js" "$site/pkg/signalroom.$js.js"
mv "$site/pkg/signalroom_bg.wasm" "$site/pkg/signalroom.$wasm.wasm"
mv "$site/pkg/signalroom.css" "$site/pkg/signalroom.$css.css"
mv "$site/assets/echarts.js" "$site/assets/echarts.$echarts.js"
# Leptos reads js, wasm and css (`HydrationScripts`, `HashedStylesheet`); the shell reads echarts.
printf 'js: %s\nwasm: %s\ncss: %s\necharts: %s\n' "$js" "$wasm" "$css" "$echarts" > "$site/hash.txt"

step "precompressing"
for f in "$site"/pkg/*.js "$site"/pkg/*.wasm "$site"/pkg/*.css "$site"/assets/*.js; do
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -k -9 "$f"
done
ls -l "$site/pkg" "$site/assets" | awk 'NF > 5 { printf "  %8d  %s\n", $5, $9 }'

step "building the server (release)"
# Same package selection as the tests, so their artifacts are reused.
cargo build --release -p server -p app --bins
