#!/usr/bin/env bash
# Build the desktop app and run its WebDriver smoke test (tests/smoke.mjs)
# under a virtual X display. Installs what is missing on Debian/Ubuntu:
# the WebKitGTK build and test packages (apt), tauri-driver (cargo), the
# Tauri CLI (npm, in src-tauri/node_modules). Safe to run again.
#
#   src-tauri/run-smoke.sh            # screenshots land in src-tauri/tests/output/
#   SQUALL_UI=placeholder src-tauri/run-smoke.sh   # test against tests/placeholder, not ui/
#
# The app shows ui/dist, built here first when missing or older than ui/'s
# sources. When ui/ cannot be built, the app is built against the
# placeholder page in tests/placeholder, and this script says so.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(dirname "$here")"
ui="$checkout/ui"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n== %s\n' "$*"; }
started=$SECONDS
lap() { printf '   (%ss)\n' "$((SECONDS - started))"; started=$SECONDS; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

say "system packages"
packages=(
  libwebkit2gtk-4.1-dev build-essential libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  pkg-config xvfb xauth webkit2gtk-driver x11-utils xdotool imagemagick
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "all there"
fi
for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "run-smoke.sh: $tool is missing (./dev test installs Rust; Node 20 comes from apt or nodesource)" >&2; exit 2; }
done
if ! command -v tauri-driver >/dev/null; then
  echo "installing tauri-driver"
  cargo install tauri-driver --locked
fi
lap

say "Tauri CLI (npm)"
cd "$here"
if [ ! -x node_modules/.bin/tauri ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
lap

say "web UI"
config=()
if [ "${SQUALL_UI:-}" = placeholder ]; then
  echo "SQUALL_UI=placeholder: the app shows tests/placeholder/index.html instead of ui/"
  config=(--config '{"build":{"frontendDist":"tests/placeholder"}}')
elif [ -f "$ui/package.json" ]; then
  stale=""
  if [ ! -f "$ui/dist/index.html" ]; then
    stale="not built yet"
  elif [ -n "$(find "$ui/src" "$ui/index.html" "$ui/package-lock.json" -newer "$ui/dist/index.html" -print -quit 2>/dev/null)" ]; then
    stale="older than its sources"
  fi
  if [ -n "$stale" ]; then
    echo "ui/dist is $stale: building it"
    if ! (cd "$ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build); then
      echo "ui/ does not build: the app shows tests/placeholder/index.html instead"
      config=(--config '{"build":{"frontendDist":"tests/placeholder"}}')
    fi
  else
    echo "ui/dist is up to date"
  fi
else
  echo "ui/ has no package.json yet: the app shows tests/placeholder/index.html instead"
  config=(--config '{"build":{"frontendDist":"tests/placeholder"}}')
fi
lap

say "the squall command line (for squall check)"
(cd "$checkout" && cargo build --quiet -p squall --bin squall)
lap

say "the desktop app"
npx tauri build --debug --no-bundle "${config[@]}"
lap

say "smoke test"
xvfb-run -a --server-args="-screen 0 1280x1024x24" \
  node tests/smoke.mjs --app "$here/target/debug/squall-desktop" --squall "$checkout/target/debug/squall" "$@"
lap
