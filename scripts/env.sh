# Shared settings for the build and test scripts (sourced, not run).
# The target dir lives outside the clone so a fresh CI clone reuses a warm cache.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/signalroom/target}"
export SIGNALROOM_SITE_ROOT="${SIGNALROOM_SITE_ROOT:-$PWD/target/site}"
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf '\n==> %s\n' "$*"; }
