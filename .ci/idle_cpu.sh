#!/usr/bin/env bash
# The CPU an idle game window costs: starts the game under Xvfb (software Vulkan), lets it
# settle on its first screen, then counts the process's CPU ticks (user + system, from
# /proc/PID/stat) over a measured interval.
#
#   .ci/idle_cpu.sh BINARY [MAX_PERCENT] [SECONDS]
#
# Prints the ticks and the share of one core; exits with 1 when that share is above
# MAX_PERCENT (default: no limit). Extra arguments for the game go in $IDLE_ARGS.
set -euo pipefail
bin=$1
max=${2:-}
seconds=${3:-10}
settle=${IDLE_SETTLE:-20}
hz=$(getconf CLK_TCK)

name=$(basename "$bin")
# Processes of that name from before (a host of an earlier step, still exiting) are not it.
earlier=" $( (pgrep -x "${name:0:15}" || true) | tr '\n' ' ') "
log=$(mktemp)
# shellcheck disable=SC2086
xvfb-run -a -s "-screen 0 1280x720x24" "$bin" play ${IDLE_ARGS:-} >"$log" 2>&1 &
runner=$!
cleanup() {
  pkill -P "$runner" >/dev/null 2>&1 || true
  [ -n "${pid:-}" ] && kill "$pid" >/dev/null 2>&1 || true
  wait "$runner" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

pid=
for _ in $(seq 1 100); do
  for p in $(pgrep -x "${name:0:15}" || true); do
    [[ "$earlier" == *" $p "* ]] || pid=$p
  done
  [ -n "$pid" ] && break
  sleep 0.2
done
if [ -z "$pid" ]; then
  echo "idle_cpu: the game did not start" >&2
  cat "$log" >&2
  exit 1
fi
sleep "$settle"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "idle_cpu: the game exited" >&2
  cat "$log" >&2
  exit 1
fi
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
before=$(ticks "$pid")
sleep "$seconds"
after=$(ticks "$pid")
used=$((after - before))
percent=$(awk -v u="$used" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.1f", 100 * u / (hz * s) }')
echo "idle_cpu: $used CPU ticks in ${seconds} s (${hz} ticks/s): ${percent}% of one core"
if [ -n "$max" ] && awk -v p="$percent" -v m="$max" 'BEGIN { exit !(p > m) }'; then
  echo "idle_cpu: above the limit of ${max}% of one core" >&2
  exit 1
fi
