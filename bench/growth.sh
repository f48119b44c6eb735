#!/usr/bin/env bash
# Memory growth per order: a fresh shop (the README's default run, components/local, Release dlls) on free ports, a short
# unmeasured warm pass, then tools/LoadGen's closed loop; the resident set (RSS, /proc/<pid>/status VmRSS) of the dev
# sidecar's `run` process and of the ordering and inventory apps is sampled before the load and every 30 s, and the
# growth from the first to the last sample is divided by the orders completed in between.
#   bench/growth.sh [seconds=120] [shoppers=48]
# REPO=/path runs the shop of another checkout (for a before/after pair; its Release build must exist); SKIP_BUILD=1;
# LOADGEN=path/to/ShopDapr.LoadGen.dll drives it with another build of the load generator; KEEP=dir keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${REPO:-$PWD}; secs=${1:-120}; shoppers=${2:-48}; config=Release
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
[ -n "${SKIP_BUILD:-}" ] || (cd "$repo" && dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null)
load=(dotnet "${LOADGEN:-$repo/tools/LoadGen/bin/$config/net10.0/ShopDapr.LoadGen.dll}")
free_port() { local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }

work=$(mktemp -d /tmp/growth-shop-XXXX); ln -s "$repo/components" "$work/components"
wanted=$(($(grep -c 'appID:' "$repo/dapr.yaml") * 3))
until ports=$(for _ in $(seq "$wanted"); do free_port; done | sort -u | tr '\n' ' '); [ "$(wc -w <<<"$ports")" -eq "$wanted" ]; do :; done
awk -v ports="$ports" -v repo="$repo" -v config="$config" '
  BEGIN { n = split(ports, p, " "); i = 0 }
  /^ *(appPort|daprHTTPPort|daprGRPCPort): *[0-9]+ *$/ { key = $1; sub(/:$/, "", key); port = p[++i]; if (key == "appPort") app = port
                                                          sub(/[0-9]+ *$/, port); print; next }
  /^ *ASPNETCORE_URLS:/ { sub(/:[0-9]+ *$/, ":" app); print; next }
  /^ *appDirPath: *\.\// { sub(/\.\//, repo "/"); print; next }
  /bin\/Debug\// { gsub(/bin\/Debug\//, "bin/" config "/"); print; next }
  { print }' "$repo/dapr.yaml" >"$work/dapr.yaml"
gateway=$(awk '/appID: gateway/ { g = 1 } g && /appPort:/ { print $2; exit }' "$work/dapr.yaml")
(cd "$work" && exec env Gateway__RateLimitPermits=1000000 dotnet "$repo/tools/DevSidecar/bin/$config/net10.0/ShopDapr.DevSidecar.dll" \
    run -f "$work/dapr.yaml" >"$work/run.log" 2>&1) &
run=$!
keep=${KEEP:-/tmp/growth-last}; mkdir -p "$keep"
trap 'kill -TERM $run 2>/dev/null; wait $run 2>/dev/null; cp "$work"/*.txt "$work"/*.json "$work/samples" "$keep"/ 2>/dev/null; rm -rf "$work"' EXIT
until grep -qs "Every app is ready" "$work/run.log"; do kill -0 $run 2>/dev/null || { tail -50 "$work/run.log"; exit 1; }; sleep 0.2; done
"${load[@]}" --url "http://localhost:$gateway" --shoppers 4 --warmup 0 --duration 10 --products 5 >"$work/warm.txt" 2>&1 || true

app_pid() { for p in $(pgrep -P "$run"); do grep -qa "$1" "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }; done; }
ordering=$(app_pid ShopDapr.Ordering.dll); inventory=$(app_pid ShopDapr.Inventory.dll)
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; }
sample() { echo "$1 $(rss "$run") $(rss "$ordering") $(rss "$inventory") $(cut -d' ' -f1 /proc/loadavg)"; }
echo "# t(s) sidecar-MB ordering-MB inventory-MB load1" >&2
sample 0 | tee "$work/samples" >&2
"${load[@]}" --url "http://localhost:$gateway" --shoppers "$shoppers" --warmup 0 --duration "$secs" --poll-ms 500 --json "$work/load.json" >"$work/load.txt" 2>&1 &
loadpid=$!
t=0; while kill -0 $loadpid 2>/dev/null; do sleep 30; t=$((t + 30)); kill -0 $loadpid 2>/dev/null && sample $t | tee -a "$work/samples" >&2; done
wait $loadpid || true
sample end | tee -a "$work/samples" >&2
orders=$(jq -r .orders.completed "$work/load.json"); rate=$(jq -r .orders.completedPerSecond "$work/load.json")
read -r _ s0 o0 i0 _ < <(head -1 "$work/samples"); read -r _ s1 o1 i1 _ < <(tail -1 "$work/samples")
per() { awk -v a="$1" -v b="$2" -v n="$orders" 'BEGIN { printf "%.1f", (b - a) * 1024 / n }'; }
echo "| $orders orders, $rate/s | sidecar $s0 → $s1 MB ($(per "$s0" "$s1") KB/order) | ordering $o0 → $o1 MB ($(per "$o0" "$o1") KB/order) | inventory $i0 → $i1 MB ($(per "$i0" "$i1") KB/order) |"
