#!/usr/bin/env bash
# Installs whatever is missing for building and testing; skips what is already there.
# Usage: scripts/setup.sh [build|test]   (test also installs Chromium, PostgreSQL, Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
what="${1:-build}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  step "installing wasm-bindgen-cli $want (have: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want"
fi

pkgs=()
command -v brotli >/dev/null || pkgs+=(brotli)
if [ "$what" = test ]; then
  command -v chromium >/dev/null || pkgs+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || pkgs+=(postgresql)
fi
if [ "${#pkgs[@]}" -gt 0 ]; then
  step "installing Debian packages: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi

if [ ! -f node_modules/echarts/package.json ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ]; then
  step "installing ECharts, binaryen and esbuild from the npm registry"
  npm install --no-audit --no-fund --loglevel=error
fi
if [ "$what" = test ] && ! python3 -c "import vaderSentiment" 2>/dev/null; then
  step "installing the reference vaderSentiment from PyPI (sentiment agreement test)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore vaderSentiment==3.3.2
fi
if [ "$what" = test ] && ! python3 -c "import segment.analytics" 2>/dev/null; then
  step "installing Segment's Python SDK from PyPI (the tracking API compatibility test)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore segment-analytics-python==2.4.0
fi
if [ "$what" = test ] && { [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; }; then
  step "installing Playwright (driving Debian's Chromium; no browser download)"
  (cd end2end && npm install --no-audit --no-fund --loglevel=error)
fi
