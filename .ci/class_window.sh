#!/usr/bin/env bash
# CI: a class seat in the game's window. A headless host plays Istanbul with the AI on every
# seat but Ukraine's; `accord join` without --ai opens the window on that seat under Xvfb and
# saves a screenshot once the seat's table is drawn. Usage: class_window.sh HOST_BIN GAME_BIN OUT.png
set -euo pipefail
host_bin=$1 game_bin=$2 out=$3
tmp=$(mktemp -d)
"$host_bin" host --scenario istanbul-2025 --seed 8 --port 0 \
  --ai russia --ai turkiye --ai united_states --ai europe >"$tmp/host.json" 2>"$tmp/host.err" &
host=$!
# The host is gone before the next step looks for processes by name.
trap 'kill $host 2>/dev/null || true; wait $host 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/host.json" ] && break; sleep 0.1; done
read -r address code < <(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print(a["address"], a["seats"]["ukraine"])' "$tmp/host.json")
echo "host at $address; the window joins Ukraine's seat"
rm -f "$out"
timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" \
  "$game_bin" join "$address" --code "$code" --name "CI window" --screenshot "$out"
python3 "$(dirname "$0")/check_png.py" "$out"
