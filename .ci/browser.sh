#!/usr/bin/env bash
# CI: the browser client against a real host. The host (with the browser client built by
# web/build beside it) plays Istanbul with the AI on every seat but Ukraine's; headless
# Chromium opens Ukraine's link, the table is drawn, a move is made by keyboard, and the
# host's save must hold it. Usage: browser.sh HOST_BIN NODE_MODULES OUT.png
set -euo pipefail
host_bin=$1 node_modules=$2 out=$3
tmp=$(mktemp -d)
"$host_bin" host --scenario istanbul-2025 --seed 8 --port 0 --save "$tmp/class.ron" \
  --ai russia --ai turkiye --ai united_states --ai europe >"$tmp/host.json" 2>"$tmp/host.err" &
host=$!
# The host is gone before the next step looks for processes by name.
trap 'kill $host 2>/dev/null || true; wait $host 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/host.json" ] && break; sleep 0.1; done
cat "$tmp/host.err" >&2
grep -q "serving the browser client" "$tmp/host.err" || { echo "the host serves no browser client" >&2; exit 1; }
read -r http code < <(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print(a["http"], a["seats"]["ukraine"])' "$tmp/host.json")
# The link of Ukraine's slip, on loopback.
port=${http##*:}; port=${port%/}
url="http://127.0.0.1:$port/?code=$code&name=CI%20browser"
echo "opening $url in headless Chromium"
rm -f "$out"
NODE_PATH="$node_modules" timeout 240 node "$(dirname "$0")/browser.js" "$url" "$out" "$tmp/class.ron" ukraine
python3 "$(dirname "$0")/check_png.py" "$out" "${out%.png}-after.png"
