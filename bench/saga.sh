#!/usr/bin/env bash
# The checkout saga end to end under the dev sidecar, every app of dapr.yaml running (the README's run command, built
# dlls), driven through the gateway by tools/LoadGen (shopdapr-load):
#   1. orders completed/s at saturation: closed loop, SHOPPERS concurrent shoppers          (median of ROUNDS runs)
#   2. p95 checkout→Completed at half that rate: open loop at median/2 orders/s             (median of ROUNDS runs)
#   3. the baseline: the same saga steps' domain logic in one process, no Dapr (--in-process, 2 workers = 2 cores)
# Every run starts a fresh shop (empty SQLite store) from a copy of dapr.yaml with free ports in a temporary working
# directory, so it never collides with a shop you have open or another run (as tests/EndToEnd.Tests does).
#   bench/saga.sh [rounds=3] [seconds=30] [shoppers=48]
# 48 shoppers saturate two cores (each shopper waits on its 500 ms status poll, so 16 could not: the rate was set by
# the poll). The 60 s warm-up lets every process tier up its JIT-compiled code: measured after 10 s, the same shop
# used twice the CPU per order (tier-0 code and the JIT itself).
# Knobs (environment), to find what limits the rate: CONFIG=Debug (the dlls the README runs; default Release), LOG_LEVEL=Warning
# (every app logs warnings only; by default the gateway logs each request at Information), STATE_STORE=in-memory (a
# copy of components/local with state.in-memory instead of state.sqlite: no durability, for comparison only),
# LEAN=1 (every process with workstation GC and no thread-pool spin-waiting: 11 processes share 2 cores),
# ONLY=closed (skip the open-loop and in-process phases), WARMUP=seconds (60), SKIP_BUILD=1, KEEP_LOGS=1.
# Each run also reports the CPU seconds each process of the shop (and the load generator) used in the measured window.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD; rounds=${1:-3}; secs=${2:-30}; shoppers=${3:-48}; warmup=${WARMUP:-60}; config=${CONFIG:-Release}
# At saturation a saga takes seconds and the shoppers' status polls (each through the gateway and two sidecars into
# ordering) would outnumber every other request: the closed loop polls every 500 ms (its latencies are then within
# 500 ms), the open loop, which measures latency, every 100 ms (the load generator's default).
closed_poll=${CLOSED_POLL_MS:-500}
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c "$config" -nologo -clp:ErrorsOnly >/dev/null
[ -n "${SKIP_BUILD:-}" ] || dotnet build tools/LoadGen -c "$config" -nologo -clp:ErrorsOnly >/dev/null
load=(dotnet "$repo/tools/LoadGen/bin/$config/net10.0/ShopDapr.LoadGen.dll")
out=$(mktemp -d /tmp/saga-bench-XXXX); echo "results in $out" >&2

free_port() { # a port below Linux's ephemeral range (32768+) that nothing listens on
  local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done
}

start_shop() { # -> sets $work, $run, $gateway
  work=$(mktemp -d /tmp/saga-shop-XXXX)
  if [ "${STATE_STORE:-}" = in-memory ]; then
    cp -r "$repo/components" "$work/components"
    sed -i 's/type: state.sqlite/type: state.in-memory/; /connectionString/,+1d' "$work/components/local/statestore.yaml"
  else
    ln -s "$repo/components" "$work/components"
  fi
  local ports wanted=$(($(grep -c 'appID:' dapr.yaml) * 3))
  # Distinct ports: draw again while two draws picked the same one.
  until ports=$(for _ in $(seq "$wanted"); do free_port; done | sort -u | tr '\n' ' '); [ "$(wc -w <<<"$ports")" -eq "$wanted" ]; do :; done
  awk -v ports="$ports" -v repo="$repo" -v config="$config" '
    BEGIN { n = split(ports, p, " "); i = 0 }
    /^ *(appPort|daprHTTPPort|daprGRPCPort): *[0-9]+ *$/ { key = $1; sub(/:$/, "", key); port = p[++i]; if (key == "appPort") app = port
                                                            sub(/[0-9]+ *$/, port); print; next }
    /^ *ASPNETCORE_URLS:/ { sub(/:[0-9]+ *$/, ":" app); print; next }
    /^ *appDirPath: *\.\// { sub(/\.\//, repo "/"); print; next }
    /bin\/Debug\// { gsub(/bin\/Debug\//, "bin/" config "/"); print; next }
    { print }' dapr.yaml >"$work/dapr.yaml"
  gateway=$(awk '/appID: gateway/ { g = 1 } g && /appPort:/ { print $2; exit }' "$work/dapr.yaml")
  # One load generator is one client per shopper token; the gateway's per-client limit (200 per 10 s) is lifted.
  local knobs=(); [ -z "${LOG_LEVEL:-}" ] || knobs=(Logging__LogLevel__Default="$LOG_LEVEL" Logging__LogLevel__Microsoft.AspNetCore="$LOG_LEVEL")
  [ -z "${LEAN:-}" ] || knobs+=(DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)
  (cd "$work" && exec env "${knobs[@]}" Gateway__RateLimitPermits=1000000 Gateway__LoginRateLimitPermits=1000000 Gateway__RegisterRateLimitPermits=1000000 dotnet "$repo/tools/DevSidecar/bin/$config/net10.0/ShopDapr.DevSidecar.dll" \
      run -f "$work/dapr.yaml" >"$work/run.log" 2>&1) &
  run=$!
  until grep -qs "Every app is ready" "$work/run.log"; do kill -0 $run 2>/dev/null || { tail -50 "$work/run.log"; exit 1; }; sleep 0.2; done
  # A cold shop's first orders take seconds (every app and sidecar JIT-compiles on first use): a short unmeasured pass.
  "${load[@]}" --url "http://localhost:$gateway" --shoppers 4 --warmup 0 --duration 5 --products 5 >"$work/warm.txt" 2>&1 || true
}

stop_shop() {
  kill -TERM "$run" 2>/dev/null || true; wait "$run" 2>/dev/null || true
  [ -z "${KEEP_LOGS:-}" ] || cp "$work/run.log" "$out/$1.run.log"
  rm -rf "$work"; run=
}
trap '[ -n "${run:-}" ] && stop_shop aborted' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { for f in "$out"/$1-*.json; do jq -r "$2" "$f"; done | median; }

for r in $(seq "$rounds"); do
  echo "closed loop, round $r/$rounds ($shoppers shoppers, ${secs}s) — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start_shop
  "${load[@]}" --url "http://localhost:$gateway" --shoppers "$shoppers" --duration "$secs" --warmup "$warmup" --watch-pid "$run" --poll-ms "$closed_poll" \
      --json "$out/closed-$r.json" >"$out/closed-$r.txt" || true
  stop_shop "closed-$r"
done
max=$(field closed .orders.completedPerSecond)
rate=$(echo "$max / 2" | bc -l | xargs printf '%.1f')
echo "CPU per process in the measured window of the last closed-loop run:" >&2
jq -r '.cpu[] | "| \(.process) | \(.cpuSeconds | . * 10 | round / 10) s | \(.msPerOrder // 0 | round) ms |"' "$out/closed-$rounds.json" >&2
[ "${ONLY:-}" != closed ] || { echo "| orders completed/s, closed loop, $shoppers shoppers | $(field closed .orders.completedPerSecond) |"; exit 0; }

for r in $(seq "$rounds"); do
  echo "open loop, round $r/$rounds ($rate orders/s, ${secs}s) — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start_shop
  "${load[@]}" --url "http://localhost:$gateway" --rate "$rate" --duration "$secs" --warmup "$warmup" --watch-pid "$run" --json "$out/open-$r.json" >"$out/open-$r.txt" || true
  stop_shop "open-$r"
done

for r in $(seq "$rounds"); do
  echo "in-process baseline, round $r/$rounds — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  "${load[@]}" --in-process --shoppers 2 --duration "$secs" --warmup "$warmup" --json "$out/inproc-$r.json" >"$out/inproc-$r.txt"
done
base=$(field inproc .orders.completedPerSecond)

echo
echo "| measure ($config, median of $rounds runs of ${secs}s after ${warmup}s warm-up, fresh shop each) | value |"
echo "|---|---|"
runs() { for f in "$out"/$1-*.json; do jq -r "$2" "$f" | xargs printf '%.1f '; done; }
printf '| orders completed/s, closed loop, %s shoppers (runs: %s) | **%.1f** |\n' "$shoppers" "$(runs closed .orders.completedPerSecond)" "$max"
printf '| checkout→Completed p50 / p95 / p99 at saturation | %.0f / %.0f / %.0f ms |\n' "$(field closed .saga.p50Ms)" "$(field closed .saga.p95Ms)" "$(field closed .saga.p99Ms)"
printf '| open loop at %s orders/s: completed/s achieved | %.1f |\n' "$rate" "$(field open .orders.completedPerSecond)"
printf '| open loop at %s orders/s: checkout→Completed p50 / **p95** / p99 (p95 runs: %s) | %.0f / **%.0f** / %.0f ms |\n' "$rate" "$(runs open .saga.p95Ms)" "$(field open .saga.p50Ms)" "$(field open .saga.p95Ms)" "$(field open .saga.p99Ms)"
printf '| open loop: request errors / cancelled orders / dropped arrivals | %s / %s / %s |\n' "$(field open .requestErrors)" "$(field open .orders.cancelledInWindow)" "$(field open .arrivalsWithoutShopper)"
printf '| in-process baseline: saga steps/s, 2 workers | %.0f |\n' "$base"
printf '| in-process baseline: one order p50 / p95 | %.2f / %.2f ms |\n' "$(field inproc .saga.p50Ms)" "$(field inproc .saga.p95Ms)"
printf '| distributed / in-process (orders/s) | %.3f |\n' "$(echo "$max / $base" | bc -l)"
