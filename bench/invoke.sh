#!/usr/bin/env bash
# Service invocation through the dev sidecar vs. straight to the app, same client (hey / wrk), same run, 1 KB bodies.
#   bench/invoke.sh [rounds] [seconds]
# Prints a markdown table: p50/p99 at a fixed 1,000 req/s (hey: 10 workers x 100 req/s) and req/s at saturation (wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; secs=${2:-15}
. bench/lib/need.sh
bench_need hey; bench_need wrk

for p in tools/DevSidecar bench/EchoApp; do dotnet build -c Release -nologo -clp:ErrorsOnly "$p" >/dev/null; done
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
app_port=18081; http_port=13581; grpc_port=15081
mkdir -p "$work/resources"
ASPNETCORE_URLS="http://127.0.0.1:$app_port" dotnet bench/EchoApp/bin/Release/net10.0/EchoApp.dll >"$work/app.log" 2>&1 &
dotnet tools/DevSidecar/bin/Release/net10.0/ShopDapr.DevSidecar.dll sidecar --app-id echo --app-port $app_port \
  --resources-path "$work/resources" --dapr-http-port $http_port --dapr-grpc-port $grpc_port >"$work/sidecar.log" 2>&1 &
for url in "http://127.0.0.1:$app_port/ok" "http://127.0.0.1:$http_port/v1.0/healthz"; do
  for _ in $(seq 100); do curl -sf -o /dev/null "$url" 2>/dev/null && break || sleep 0.1; done
done
head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 >"$work/body"

direct="http://127.0.0.1:$app_port/echo"
sidecar="http://127.0.0.1:$http_port/v1.0/invoke/echo/method/echo"
lat() { # url -> "p50 p99" in ms at 1,000 req/s
  hey -z "${secs}s" -c 10 -q 100 -m POST -T application/octet-stream -D "$work/body" "$1" >"$work/hey.txt"
  local p50 p99
  p50=$(awk '/50% in/ {print $3*1000}' "$work/hey.txt"); p99=$(awk '/99% in/ {print $3*1000}' "$work/hey.txt")
  local bad; bad=$(grep -E '^\s+\[[^2][0-9]{2}\]' "$work/hey.txt" || true)
  [ -z "$bad" ] || { echo "non-2xx answers from $1: $bad" >&2; exit 1; }
  echo "$p50 $p99"
}
rps() { # url -> req/s at saturation
  cat >"$work/post.lua" <<LUA
wrk.method = "POST"; wrk.headers["Content-Type"] = "application/octet-stream"
local f = io.open("$work/body", "rb"); wrk.body = f:read("*a"); f:close()
LUA
  wrk -t2 -c64 -d"${secs}s" -s "$work/post.lua" "$1" | awk '/Requests\/sec/ {print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for r in $(seq "$rounds"); do
  echo "round $r/$rounds: 1,000 req/s direct, then through the sidecar; then saturation" >&2
  read -r dp50 dp99 < <(lat "$direct"); read -r sp50 sp99 < <(lat "$sidecar")
  echo "$dp50 $dp99 $sp50 $sp99" >>"$work/lat"
  echo "$(rps "$direct") $(rps "$sidecar")" >>"$work/rps"
done
col() { awk -v c="$2" '{print $c}' "$work/$1" | median; }
dp50=$(col lat 1); dp99=$(col lat 2); sp50=$(col lat 3); sp99=$(col lat 4); drps=$(col rps 1); srps=$(col rps 2)
echo
echo "| measure (median of $rounds rounds, ${secs}s each) | straight to app | through dev sidecar | added / ratio |"
echo "|---|---|---|---|"
printf '| p50 at 1,000 req/s, 1 KB POST | %.2f ms | %.2f ms | +%.2f ms |\n' "$dp50" "$sp50" "$(echo "$sp50 - $dp50" | bc -l)"
printf '| p99 at 1,000 req/s, 1 KB POST | %.2f ms | %.2f ms | +%.2f ms |\n' "$dp99" "$sp99" "$(echo "$sp99 - $dp99" | bc -l)"
printf '| req/s at saturation (wrk -t2 -c64) | %.0f | %.0f | %.2f |\n' "$drps" "$srps" "$(echo "$srps / $drps" | bc -l)"
