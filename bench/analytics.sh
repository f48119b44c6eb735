#!/usr/bin/env bash
# Analytics on the shop's own behaviour: do the ranker and the fraud model learn what the shoppers hide, how fast is a
# recommendation served, and how soon does an event show in a profile?
#   bench/analytics.sh [minutes=10] [shoppers=32] [fraud-share=0.05]
# 1. A fresh shop (bench/lib/shop.sh: every app of dapr.yaml under the dev sidecar, components/local, Release dlls) on
#    free ports, and the load generator with hidden tastes (shopdapr-load --tastes --fraud-share) for MINUTES: each
#    shopper views, carts and buys mostly within one or two favourite categories and a price band; the fraudsters'
#    held orders are rejected and the others approved, so the fraud model gets labels.
# 2. While the load runs, a probe customer opens a product page through the gateway (catalog publishes the view on
#    user-behavior) and polls its profile (GET /api/analytics/profiles/{id}) until the view is its latest: event ->
#    visible lag, p50 / p95 over every probe (one every half second; at least 50 wanted).
# 3. The admin's retrain (POST /api/analytics/models/retrain), then the new versions from GET /api/analytics/models:
#    the ranker's hit-rate@10 and NDCG@10 against popularity on the same held-out orders, and the fraud model's ROC-AUC
#    and PR-AUC against the saga's rule scorer on the same held-out orders.
# 4. Serving: hey -c 10 -q 20 (10 workers x 20 req/s = 200 req/s) for 20 s each on /api/recommendations/products/{id}
#    and /api/recommendations/me, straight at analytics' app port and through the gateway: p50 / p99.
# Targets: hit-rate@10 at least 2 x popularity's; p99 at most 5 ms inside analytics and 20 ms through the gateway;
# event -> profile p95 at most 1 s.
# The machine must be quiet: the script refuses to measure while the 1-minute load average is more than 1.5, unless
# FORCE=1. SKIP_BUILD=1 uses the Release build as it is; KEEP=dir keeps the logs (run.log, load.log).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD; config=Release; minutes=${1:-10}; shoppers=${2:-32}; fraud=${3:-0.05}; secs=20
load1=$(cut -d' ' -f1 /proc/loadavg)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ -z "${FORCE:-}" ] && awk -v l="$load1" 'BEGIN { exit !(l > 1.5) }'; then
  echo "bench/analytics.sh: load average $load1 (1 min) is more than 1.5: not measuring on a busy machine (FORCE=1 overrides)" >&2
  exit 2
fi
. bench/lib/need.sh
bench_need hey
bench_need jq
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null
# shellcheck source=lib/shop.sh
. "$repo/bench/lib/shop.sh"
load_pid=
cleanup() {
  [ -z "$load_pid" ] || { kill -INT "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; }
  [ -z "${shop_work:-}" ] || [ -z "${KEEP:-}" ] || { mkdir -p "$KEEP"; cp "$shop_work/load.log" "$KEEP/" 2>/dev/null || true; }
  shop_stop
}
trap cleanup EXIT
shop_start local
gw="http://localhost:$shop_gateway"
analytics="http://127.0.0.1:$(awk '/appID: analytics/ { a = 1 } a && /appPort:/ { print $2; exit }' "$shop_work/dapr.yaml")"
app_token=$(sed -n 's/.*APP_API_TOKEN: *//p' "$shop_work/dapr.yaml" | head -1)
until curl -sf "$gw/api/catalog/products?pageSize=1" >/dev/null; do sleep 0.2; done

post() { curl -sf -X POST -H 'Content-Type: application/json' "$@"; }
login() { post -d "$(jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p}')" "$gw/api/identity/login" | jq -r .accessToken; }
admin=$(login "$(jq -r '."admin-email"' components/local/secrets.json)" "$(jq -r '."admin-password"' components/local/secrets.json)")
probe_email="probe-$$-$RANDOM@example.com"
post -o /dev/null -d "$(jq -nc --arg e "$probe_email" '{email: $e, password: "Corr3ct-Horse-Battery", name: "Probe"}')" "$gw/api/identity/register"
probe=$(login "$probe_email" Corr3ct-Horse-Battery)
probe_id=$(cut -d. -f2 <<<"$probe" | tr '_-' '/+' | awk '{ while (length($0) % 4) $0 = $0 "="; print }' | base64 -d | jq -r .sub)

# 1. The load, in the background; the probes run while it does.
dotnet "tools/LoadGen/bin/$config/net10.0/ShopDapr.LoadGen.dll" --url "$gw" --shoppers "$shoppers" --tastes --fraud-share "$fraud" \
  --warmup 0 --duration $((minutes * 60)) --order-timeout 120 >"$shop_work/load.log" 2>&1 &
load_pid=$!
until grep -qs "registered" "$shop_work/load.log"; do kill -0 "$load_pid" 2>/dev/null || { cat "$shop_work/load.log" >&2; exit 1; }; sleep 0.5; done
echo "load running: $shoppers shoppers with tastes, fraud share $fraud, for $minutes min" >&2

# 2. Event -> visible: two products taken in turn, so the one opened is never the profile's latest view already.
mapfile -t probe_products < <(curl -sf "$gw/api/catalog/products?pageSize=2" | jq -r '.items[].id')
now_ms() { echo $(($(date +%s%N) / 1000000)); }
lags=$shop_work/lags; : >"$lags"; missed=0; n=0
while kill -0 "$load_pid" 2>/dev/null; do
  product=${probe_products[$((n % 2))]}; n=$((n + 1))
  start=$(now_ms)
  curl -sf -o /dev/null -H "Authorization: Bearer $probe" "$gw/api/catalog/products/$product" || { missed=$((missed + 1)); continue; }
  seen=
  while [ $(($(now_ms) - start)) -lt 10000 ]; do
    latest=$(curl -s -H "Authorization: Bearer $probe" "$gw/api/analytics/profiles/$probe_id" | jq -r '.recentViews[0].productId // empty' 2>/dev/null || true)
    [ "$latest" = "$product" ] && { seen=$(now_ms); break; }
    sleep 0.01
  done
  if [ -n "$seen" ]; then echo $((seen - start)) >>"$lags"; else missed=$((missed + 1)); fi
  sleep 0.5
done
wait "$load_pid" || echo "the load generator exited with $? (see its table below)" >&2
load_pid=
tail -40 "$shop_work/load.log" >&2

# 3. Retrain, then wait for versions trained after the request (the fraud model needs 5 labelled orders of each kind).
since=$(date -u +%Y-%m-%dT%H:%M:%S)
post -o /dev/null -H "Authorization: Bearer $admin" "$gw/api/analytics/models/retrain"
newest() { curl -sf -H "Authorization: Bearer $admin" "$gw/api/analytics/models?kind=$1&pageSize=1" | jq -c --arg s "$since" '.items[0] // empty | select(.trainedAt >= $s)'; }
ranker=; fraudv=; none='{}'; deadline=$(($(date +%s) + 600))
while [ "$(date +%s)" -lt "$deadline" ]; do
  ranker=$(newest ranker || true); fraudv=$(newest fraud || true)
  [ -n "$ranker" ] && [ -n "$fraudv" ] && break
  # a training that had too little to learn from stores no version: its log says so
  [ -n "$ranker" ] && grep -q "No fraud model trained" "$shop_work/run.log" && break
  sleep 2
done

# 4. Serving latency: a product bought with others (the top of the hour's trending), and the probe customer.
top=$(curl -sf "$gw/api/trending?window=hour&pageSize=1" | jq -r '.items[0].productId')
lat() { # URL [HEADER...] -> "p50 p99" in ms at 200 req/s
  local url=$1 headers=() out; shift; for h in "$@"; do headers+=(-H "$h"); done
  hey -n 400 -c 10 ${headers[@]+"${headers[@]}"} "$url" >/dev/null   # warm: JIT, caches, connections
  out=$(hey -z "${secs}s" -c 10 -q 20 ${headers[@]+"${headers[@]}"} "$url")
  echo "$out" | grep -qE '^\s+\[[^2][0-9]{2}\]' && { echo "non-2xx from $url: $out" >&2; exit 1; }
  echo "$out" | awk '/50% in/ {a=$3*1000} /99% in/ {b=$3*1000} END {printf "%.1f %.1f", a, b}'
}
row() { local l; l=($3); printf '| %s | %s | %s ms | %s ms |\n' "$1" "$2" "${l[0]}" "${l[1]}"; }

echo
echo "Load: $shoppers shoppers with tastes for $minutes min, fraud share $fraud ($(grep -m1 -o 'tastes: .*' "$shop_work/load.log" || echo '?'))."
echo
echo "| ranker $(jq -r '.version // "(none)"' <<<"${ranker:-$none}") (held-out orders: $(jq -r '.metrics.cases // "?"' <<<"${ranker:-$none}")) | model | popularity | model / popularity |"
echo "|---|---|---|---|"
if [ -n "$ranker" ]; then
  jq -r '"| hit-rate@10 | \(.metrics.hitRateAt10 * 1000 | round / 1000) | \(.popularity.hitRateAt10 * 1000 | round / 1000) | \(if .popularity.hitRateAt10 > 0 then (.metrics.hitRateAt10 / .popularity.hitRateAt10 * 100 | round / 100) else "-" end) |",
         "| NDCG@10 | \(.metrics.ndcgAt10 * 1000 | round / 1000) | \(.popularity.ndcgAt10 * 1000 | round / 1000) | \(if .popularity.ndcgAt10 > 0 then (.metrics.ndcgAt10 / .popularity.ndcgAt10 * 100 | round / 100) else "-" end) |"' <<<"$ranker"
else
  echo "| no ranker version within 10 min: see analytics in run.log | | | |"
fi
echo
echo "| fraud $(jq -r '.version // "(none)"' <<<"${fraudv:-$none}") (held-out orders: $(jq -r '.metrics.cases // "?"' <<<"${fraudv:-$none}"), frauds: $(jq -r '.metrics.frauds // "?"' <<<"${fraudv:-$none}")) | model | rule scorer |"
echo "|---|---|---|"
if [ -n "$fraudv" ]; then
  jq -r '"| ROC-AUC | \(.metrics.rocAuc * 1000 | round / 1000) | \(.rules.rocAuc * 1000 | round / 1000) |",
         "| PR-AUC | \(.metrics.prAuc * 1000 | round / 1000) | \(.rules.prAuc * 1000 | round / 1000) |"' <<<"$fraudv"
else
  echo "| no fraud version: $(grep -o 'No fraud model trained: .*' "$shop_work/run.log" | tail -1 || echo 'none within 10 min') | | |"
fi
echo
echo "| at 200 req/s (hey -c 10 -q 20, ${secs} s) | route | p50 | p99 |"
echo "|---|---|---|---|"
row "analytics' app port" "/api/recommendations/products/{id}" "$(lat "$analytics/api/recommendations/products/$top" "dapr-api-token: $app_token")"
row "analytics' app port" "/api/recommendations/me" "$(lat "$analytics/api/recommendations/me" "dapr-api-token: $app_token" "Authorization: Bearer $probe")"
row "gateway" "/api/recommendations/products/{id}" "$(lat "$gw/api/recommendations/products/$top")"
row "gateway" "/api/recommendations/me" "$(lat "$gw/api/recommendations/me" "Authorization: Bearer $probe")"
echo
pct() { sort -n "$lags" | awk -v q="$1" '{a[NR]=$1} END {if (NR == 0) print "-"; else {i = int(q * NR + 0.999999); if (i < 1) i = 1; print a[i]}}'; }
echo "| event -> profile (view through the gateway until the profile shows it) | probes | p50 | p95 | max | not seen within 10 s |"
echo "|---|---|---|---|---|---|"
printf '| under the load above | %s | %s ms | %s ms | %s ms | %s |\n' "$(wc -l <"$lags")" "$(pct 0.5)" "$(pct 0.95)" "$(pct 1)" "$missed"
[ "$(wc -l <"$lags")" -ge 50 ] || echo "(fewer than 50 probes: run for longer)"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); targets: hit-rate@10 >= 2 x popularity, p99 <= 5 ms in analytics and <= 20 ms through the gateway, event -> profile p95 <= 1 s"
