#!/usr/bin/env bash
# Whole-shop figures under the dev sidecar, from the repo's own dapr.yaml (Debug build, as the README runs it):
#   seconds from the run command to every app ready and to the catalog serving, total RSS idle,
#   product GET through gateway + two sidecars vs. straight to catalog (same client, same run),
#   search through the gateway at a fixed 200 req/s.
#   bench/shop.sh [rounds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD; rounds=${1:-3}; secs=${2:-15}
. bench/lib/need.sh
bench_need hey
dotnet build ShopDapr.sln -nologo -clp:ErrorsOnly >/dev/null

work=$(mktemp -d); ln -s "$repo/components" "$work/components"
export Gateway__RateLimitPermits=1000000 Gateway__LoginRateLimitPermits=1000000 Gateway__RegisterRateLimitPermits=1000000   # one load client would otherwise be rate limited (429) by design
start=$(date +%s.%N)
(cd "$work" && exec dotnet "$repo/tools/DevSidecar/bin/Debug/net10.0/ShopDapr.DevSidecar.dll" run -f "$repo/dapr.yaml" >"$work/run.log" 2>&1) &
run=$!
trap 'kill -TERM $run 2>/dev/null; wait $run 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "Every app is ready" "$work/run.log"; do kill -0 $run || { cat "$work/run.log"; exit 1; }; sleep 0.1; done
ready=$(echo "$(date +%s.%N) - $start" | bc -l)
until curl -sf 'http://localhost:5000/api/catalog/products?pageSize=1' >/dev/null; do sleep 0.1; done
serving=$(echo "$(date +%s.%N) - $start" | bc -l)
apps=$(grep -c "appID:" dapr.yaml)

sleep 10   # idle, then resident memory of the dev sidecar process and every app process it started
rss_kb=0; for pid in $run $(pgrep -P $run); do rss_kb=$((rss_kb + $(ps -o rss= -p "$pid" | tr -d ' '))); done
sidecar_kb=$(ps -o rss= -p $run | tr -d ' ')

id=$(curl -s 'http://localhost:5000/api/catalog/search?q=headphones&pageSize=1' | sed 's/.*"items":\[{"id":"\([^"]*\)".*/\1/')
token=$(sed -n 's/.*APP_API_TOKEN: *//p' dapr.yaml | head -1)
lat() { # url [header] -> "p50 p99" ms at 200 req/s (4 workers x 50 req/s)
  local out; out=$(hey -z "${secs}s" -c 4 -q 50 ${2:+-H "$2"} "$1")
  echo "$out" | grep -qE '^\s+\[[^2][0-9]{2}\]' && { echo "non-2xx from $1: $out" >&2; exit 1; }
  echo "$(echo "$out" | awk '/50% in/ {print $3*1000}') $(echo "$out" | awk '/99% in/ {print $3*1000}')"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  echo "$(lat "http://127.0.0.1:5102/api/catalog/products/$id" "dapr-api-token: $token") $(lat "http://localhost:5000/api/catalog/products/$id") $(lat 'http://localhost:5000/api/catalog/search?q=wireless+headphones')" >>"$work/lat"
done
col() { awk -v c="$1" '{print $c}' "$work/lat" | median; }

echo
echo "| measure ($apps apps, median of $rounds rounds of ${secs}s at 200 req/s) | value |"
echo "|---|---|"
printf '| run command → every app ready (built; `run -f dapr.yaml`) | %.1f s |\n' "$ready"
printf '| run command → catalog serving through the gateway (demo catalog seeded) | %.1f s |\n' "$serving"
printf '| RSS idle, dev sidecar process (%s logical sidecars) | %d MB |\n' "$apps" $((sidecar_kb / 1024))
printf '| RSS idle, dev sidecar + %s app processes | %d MB |\n' "$apps" $((rss_kb / 1024))
printf '| product GET straight to catalog: p50 / p99 | %.2f / %.2f ms |\n' "$(col 1)" "$(col 2)"
printf '| product GET through gateway + 2 sidecars: p50 / p99 | %.2f / %.2f ms |\n' "$(col 3)" "$(col 4)"
printf '| search "wireless headphones" through gateway: p50 / p99 | %.2f / %.2f ms |\n' "$(col 5)" "$(col 6)"
