#!/usr/bin/env bash
# The checkout saga end to end under the dev sidecar, every app of dapr.yaml running (the README's run command, built
# dlls), driven through the gateway by tools/LoadGen (shopdapr-load):
#   1. orders completed/s at saturation: closed loop, SHOPPERS concurrent shoppers          (median of ROUNDS runs)
#   2. p95 checkout→Completed at half that rate: open loop at median/2 orders/s             (median of ROUNDS runs)
#   3. the baseline: the same saga steps' domain logic in one process, no Dapr (--in-process, 2 workers = 2 cores)
# Every run starts a fresh shop (empty store) from a copy of dapr.yaml with free ports in a temporary working directory
# (bench/lib/shop.sh), so it never collides with a shop you have open or another run (as tests/EndToEnd.Tests does).
#   bench/saga.sh [rounds=3] [seconds=30] [shoppers=48]
#   SETS="local redis postgres" bench/saga.sh 3 30    the closed loop on each component set, side by side (orders/s, CPU
#                                                     per order of the whole shop and its servers), then the baseline
# SETS (default local): components/local (SQLite + in-memory pub/sub), redis (a redis-server of its own, no persistence)
# or postgres (a PostgreSQL cluster with default durability + a rabbitmq-server), the servers on free loopback ports.
# CPU is what the shop's processes and its servers used in the measured window (--watch-pid of this script: every
# process it started; the load generator's own is reported apart).
# 48 shoppers saturate two cores (each shopper waits on its 500 ms status poll, so 16 could not: the rate was set by
# the poll). The 60 s warm-up lets every process tier up its JIT-compiled code: measured after 10 s, the same shop
# used twice the CPU per order (tier-0 code and the JIT itself).
# Knobs (environment), to find what limits the rate: CONFIG=Debug (the dlls the README runs; default Release), LOG_LEVEL=Warning
# (every app logs warnings only; by default the gateway logs each request at Information),
# LEAN=1 (every process with workstation GC and no thread-pool spin-waiting: 11 processes share 2 cores),
# ONLY=closed (skip the open-loop and in-process phases), WARMUP=seconds (60), SKIP_BUILD=1, KEEP_LOGS=1.
# SHOP_WITHOUT="analytics" (app ids left out of the run), SHOP_TMP=dir (the shops' working folders; default /dev/shm): bench/lib/shop.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD; rounds=${1:-3}; secs=${2:-30}; shoppers=${3:-48}; warmup=${WARMUP:-60}; config=${CONFIG:-Release}
read -r -a sets <<<"${SETS:-local}"
# At saturation a saga takes seconds and the shoppers' status polls (each through the gateway and two sidecars into
# ordering) would outnumber every other request: the closed loop polls every 500 ms (its latencies are then within
# 500 ms), the open loop, which measures latency, every 100 ms (the load generator's default).
closed_poll=${CLOSED_POLL_MS:-500}
source bench/lib/shop.sh
. bench/lib/need.sh
bench_need jq
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c "$config" -nologo -clp:ErrorsOnly >/dev/null
[ -n "${SKIP_BUILD:-}" ] || dotnet build tools/LoadGen -c "$config" -nologo -clp:ErrorsOnly >/dev/null
load=(dotnet "$repo/tools/LoadGen/bin/$config/net10.0/ShopDapr.LoadGen.dll")
out=$(mktemp -d /tmp/saga-bench-XXXX); echo "results in $out" >&2
shop_env=(); [ -z "${LOG_LEVEL:-}" ] || shop_env=(Logging__LogLevel__Default="$LOG_LEVEL" Logging__LogLevel__Microsoft.AspNetCore="$LOG_LEVEL")
[ -z "${LEAN:-}" ] || shop_env+=(DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)

start_shop() { # SET
  shop_start "$1"
  # A cold shop's first orders take seconds (every app and sidecar JIT-compiles on first use): a short unmeasured pass.
  "${load[@]}" --url "http://localhost:$shop_gateway" --shoppers 4 --warmup 0 --duration 5 --products 5 >"$shop_work/warm.txt" 2>&1 || true
}

stop_shop() { # NAME
  [ -z "${KEEP_LOGS:-}" ] || KEEP="$out/$1"
  KEEP=${KEEP:-} shop_stop
}
trap 'shop_stop' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { for f in "$out"/$1-*.json; do jq -r "$2" "$f"; done | median; }
runs() { for f in "$out"/$1-*.json; do jq -r "$2" "$f" | xargs printf '%.1f '; done; }
shop_cpu='[.cpu[] | select(.process == "total, shop only") | .msPerOrder // 0] | first // 0'

baseline() { # the same saga steps' domain logic in one process, no Dapr: sets $base (orders/s)
  for r in $(seq "$rounds"); do
    echo "in-process baseline, round $r/$rounds — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    "${load[@]}" --in-process --shoppers 2 --duration "$secs" --warmup "$warmup" --json "$out/inproc-$r.json" >"$out/inproc-$r.txt"
  done
  base=$(field inproc .orders.completedPerSecond)
}

for set in "${sets[@]}"; do
  for r in $(seq "$rounds"); do
    echo "components/$set: closed loop, round $r/$rounds ($shoppers shoppers, ${secs}s) — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    start_shop "$set"
    "${load[@]}" --url "http://localhost:$shop_gateway" --shoppers "$shoppers" --duration "$secs" --warmup "$warmup" --watch-pid $$ --poll-ms "$closed_poll" \
        --json "$out/closed.$set-$r.json" >"$out/closed.$set-$r.txt" || true
    stop_shop "closed.$set-$r"
  done
  echo "CPU per process in the measured window of the last closed-loop run on components/$set:" >&2
  jq -r '.cpu[] | "| \(.process) | \(.cpuSeconds | . * 10 | round / 10) s | \(.msPerOrder // 0 | round) ms |"' "$out/closed.$set-$rounds.json" >&2
done

if [ "${#sets[@]}" -gt 1 ]; then
  baseline
  echo
  echo "| component set ($config, median of $rounds closed-loop runs of ${secs}s, $shoppers shoppers, ${warmup}s warm-up, fresh shop each) | orders completed/s (runs) | CPU per order, shop + servers | checkout→Completed p50 / p95 | / in-process |"
  echo "|---|---|---|---|---|"
  for set in "${sets[@]}"; do
    printf '| `components/%s` | **%.1f** (%s) | %.0f ms | %.0f / %.0f ms | %.3f |\n' "$set" "$(field "closed.$set" .orders.completedPerSecond)" \
      "$(runs "closed.$set" .orders.completedPerSecond)" "$(field "closed.$set" "$shop_cpu")" "$(field "closed.$set" .saga.p50Ms)" \
      "$(field "closed.$set" .saga.p95Ms)" "$(echo "$(field "closed.$set" .orders.completedPerSecond) / $base" | bc -l)"
  done
  printf '| in-process baseline: saga steps/s, 2 workers | %.0f | | | |\n' "$base"
  exit 0
fi

set=${sets[0]}
max=$(field "closed.$set" .orders.completedPerSecond)
rate=$(echo "$max / 2" | bc -l | xargs printf '%.1f')
[ "${ONLY:-}" != closed ] || { echo "| orders completed/s, closed loop, $shoppers shoppers, components/$set | $max |"; exit 0; }

for r in $(seq "$rounds"); do
  echo "open loop, round $r/$rounds ($rate orders/s, ${secs}s) — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start_shop "$set"
  "${load[@]}" --url "http://localhost:$shop_gateway" --rate "$rate" --duration "$secs" --warmup "$warmup" --watch-pid $$ --json "$out/open-$r.json" >"$out/open-$r.txt" || true
  stop_shop "open-$r"
done

baseline

echo
echo "| measure ($config, components/$set, median of $rounds runs of ${secs}s after ${warmup}s warm-up, fresh shop each) | value |"
echo "|---|---|"
printf '| orders completed/s, closed loop, %s shoppers (runs: %s) | **%.1f** |\n' "$shoppers" "$(runs "closed.$set" .orders.completedPerSecond)" "$max"
printf '| checkout→Completed p50 / p95 / p99 at saturation | %.0f / %.0f / %.0f ms |\n' "$(field "closed.$set" .saga.p50Ms)" "$(field "closed.$set" .saga.p95Ms)" "$(field "closed.$set" .saga.p99Ms)"
printf '| CPU per order, shop + servers, at saturation | %.0f ms |\n' "$(field "closed.$set" "$shop_cpu")"
printf '| open loop at %s orders/s: completed/s achieved | %.1f |\n' "$rate" "$(field open .orders.completedPerSecond)"
printf '| open loop at %s orders/s: checkout→Completed p50 / **p95** / p99 (p95 runs: %s) | %.0f / **%.0f** / %.0f ms |\n' "$rate" "$(runs open .saga.p95Ms)" "$(field open .saga.p50Ms)" "$(field open .saga.p95Ms)" "$(field open .saga.p99Ms)"
printf '| open loop: request errors / cancelled orders / dropped arrivals | %s / %s / %s |\n' "$(field open .requestErrors)" "$(field open .orders.cancelledInWindow)" "$(field open .arrivalsWithoutShopper)"
printf '| in-process baseline: saga steps/s, 2 workers | %.0f |\n' "$base"
printf '| in-process baseline: one order p50 / p95 | %.2f / %.2f ms |\n' "$(field inproc .saga.p50Ms)" "$(field inproc .saga.p95Ms)"
printf '| distributed / in-process (orders/s) | %.3f |\n' "$(echo "$max / $base" | bc -l)"
