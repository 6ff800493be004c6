#!/usr/bin/env bash
# Opens a report.html in headless Chromium, takes a screenshot and checks
# that the page renders its charts with no console errors and loads
# nothing from the network.
#
# usage: .ci/browser-check.sh REPORT_HTML SCREENSHOT_PNG [EXPECTED_CHARTS]
#
# EXPECTED_CHARTS (optional) is the number of inline SVG charts the page
# must contain; without it, at least one is required.
# Installs Debian's chromium with apt-get when it is missing (CI runs as
# root); exits 0 when every check passes.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 REPORT_HTML SCREENSHOT_PNG [EXPECTED_CHARTS]" >&2
  exit 2
fi
report=$(realpath "$1")
screenshot=$(realpath -m "$2")
expected=${3:-}

fail() { echo "browser-check: FAIL: $*" >&2; exit 1; }

[[ -s "$report" ]] || fail "$report is missing or empty"

if ! command -v chromium >/dev/null 2>&1; then
  echo "browser-check: chromium not found; installing it with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

chromium_run() {
  # A fresh profile per run, so no state or extension leaks between runs.
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 "$@"
}

url="file://$report"

# 1. The DOM after rendering, and the console/log output while loading.
chromium_run --dump-dom "$url" >"$work/dom.html" 2>"$work/dom.log" \
  || fail "chromium could not load $url (see log below)"$'\n'"$(tail -20 "$work/dom.log")"
# 2. The screenshot.
rm -f "$screenshot"
chromium_run --screenshot="$screenshot" --window-size=1400,3000 "$url" \
  >"$work/shot.out" 2>"$work/shot.log" || true
[[ -s "$screenshot" ]] || fail "no screenshot written to $screenshot"$'\n'"$(tail -20 "$work/shot.log")"

# Console errors: the report has no scripts, so any console message from
# the page (Chromium logs them as CONSOLE(line) or CONSOLE:line) or an
# uncaught exception is a failure. Chromium's own start-up noise is not.
if grep -E "Uncaught|:CONSOLE[:(]" "$work/dom.log" "$work/shot.log" >"$work/console.txt"; then
  fail "console errors:"$'\n'"$(cat "$work/console.txt")"
fi
# Network: the page must not load anything (a file:// page that tries to
# fetch from the network logs a failed request).
if grep -E "ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION|Failed to load resource" \
  "$work/dom.log" "$work/shot.log" >"$work/network.txt"; then
  fail "the page tried to load resources:"$'\n'"$(cat "$work/network.txt")"
fi
if grep -Eo '(src|href)="https?://[^"]*"' "$work/dom.html" >"$work/external.txt"; then
  fail "external resources referenced:"$'\n'"$(cat "$work/external.txt")"
fi

# Charts: each inline <svg> must hold drawn shapes (rect/path/polyline/
# circle) and text. Split the DOM at each <svg and inspect each part.
charts=$(grep -o "<svg" "$work/dom.html" | wc -l)
if [[ -n "$expected" ]]; then
  [[ "$charts" -eq "$expected" ]] || fail "expected $expected charts, found $charts"
else
  [[ "$charts" -ge 1 ]] || fail "no chart (<svg>) in the page"
fi
awk 'BEGIN { RS = "<svg" } NR > 1 {
       chart = $0; sub(/<\/svg>.*/, "", chart)
       shapes = gsub(/<(rect|path|polyline|polygon|circle|line)[ >]/, "", chart)
       texts = gsub(/<text[ >]/, "", chart)
       if (shapes < 5 || texts < 3) { printf "chart %d: %d shapes, %d texts\n", NR - 1, shapes, texts; bad = 1 }
     } END { exit bad }' "$work/dom.html" >"$work/empty.txt" \
  || fail "empty or nearly empty charts:"$'\n'"$(cat "$work/empty.txt")"

# The screenshot must be a PNG of the window size and not blank.
signature=$(head -c 8 "$screenshot" | od -An -tx1 | tr -d ' \n')
[[ "$signature" == "89504e470d0a1a0a" ]] || fail "screenshot is not a PNG"
# IHDR: width and height as big-endian 32-bit numbers at bytes 16-23.
size=$(od -An -tu1 -j16 -N8 "$screenshot" | tr -s ' \n' ' ')
read -r w1 w2 w3 w4 h1 h2 h3 h4 <<<"$size"
width=$(( (w1 << 24) | (w2 << 16) | (w3 << 8) | w4 ))
height=$(( (h1 << 24) | (h2 << 16) | (h3 << 8) | h4 ))
[[ "$width" -eq 1400 && "$height" -eq 3000 ]] || fail "screenshot is ${width}x${height}, expected 1400x3000"
[[ $(stat -c %s "$screenshot") -gt 50000 ]] || fail "screenshot is suspiciously small: blank page?"

echo "browser-check: OK: $charts charts rendered, no console errors, no network loads; screenshot $screenshot"
