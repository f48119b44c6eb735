#!/usr/bin/env bash
# Memory growth per order: a fresh shop (bench/lib/shop.sh: the README's default run, components/local, Release dlls) on free ports, a short
# unmeasured warm pass, then tools/LoadGen's closed loop; the resident set (RSS, /proc/<pid>/status VmRSS) of the dev
# sidecar's `run` process and of the ordering and inventory apps is sampled before the load and every 30 s, and the
# growth from the first to the last sample is divided by the orders completed in between.
#   bench/growth.sh [seconds=120] [shoppers=48]
# REPO=/path runs the shop of another checkout (for a before/after pair; its Release build must exist); SKIP_BUILD=1;
# LOADGEN=path/to/ShopDapr.LoadGen.dll drives it with another build of the load generator; KEEP=dir keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${REPO:-$PWD}; secs=${1:-120}; shoppers=${2:-48}; config=Release
. bench/lib/need.sh
bench_need jq
[ -n "${SKIP_BUILD:-}" ] || (cd "$repo" && dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null)
load=(dotnet "${LOADGEN:-$repo/tools/LoadGen/bin/$config/net10.0/ShopDapr.LoadGen.dll}")
# shellcheck source=lib/shop.sh
. "$PWD/bench/lib/shop.sh"
trap 'shop_stop' EXIT
shop_start local
work=$shop_work; run=$shop_run; gateway=$shop_gateway
keep=${KEEP:-/tmp/growth-last}; mkdir -p "$keep"
"${load[@]}" --url "http://localhost:$gateway" --shoppers 4 --warmup 0 --duration 10 --products 5 >"$work/warm.txt" 2>&1 || true

ordering=$(shop_app_pid ShopDapr.Ordering.dll); inventory=$(shop_app_pid ShopDapr.Inventory.dll)
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; }
sample() { echo "$1 $(rss "$run") $(rss "$ordering") $(rss "$inventory") $(cut -d' ' -f1 /proc/loadavg)"; }
echo "# t(s) sidecar-MB ordering-MB inventory-MB load1" >&2
sample 0 | tee "$work/samples" >&2
"${load[@]}" --url "http://localhost:$gateway" --shoppers "$shoppers" --warmup 0 --duration "$secs" --poll-ms 500 --json "$work/load.json" >"$work/load.txt" 2>&1 &
loadpid=$!
t=0; while kill -0 $loadpid 2>/dev/null; do sleep 30; t=$((t + 30)); kill -0 $loadpid 2>/dev/null && sample $t | tee -a "$work/samples" >&2; done
wait $loadpid || true
sample end | tee -a "$work/samples" >&2
cp "$work"/*.txt "$work"/*.json "$work/samples" "$keep"/ 2>/dev/null || true
orders=$(jq -r .orders.completed "$work/load.json"); rate=$(jq -r .orders.completedPerSecond "$work/load.json")
read -r _ s0 o0 i0 _ < <(head -1 "$work/samples"); read -r _ s1 o1 i1 _ < <(tail -1 "$work/samples")
per() { awk -v a="$1" -v b="$2" -v n="$orders" 'BEGIN { printf "%.1f", (b - a) * 1024 / n }'; }
echo "| $orders orders, $rate/s | sidecar $s0 → $s1 MB ($(per "$s0" "$s1") KB/order) | ordering $o0 → $o1 MB ($(per "$o0" "$o1") KB/order) | inventory $i0 → $i1 MB ($(per "$i0" "$i1") KB/order) |"
