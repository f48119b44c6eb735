#!/usr/bin/env bash
# Page time of the storefront: the product list and search pages through the gateway at a fixed 50 req/s, each beside
# the API call(s) the page itself makes, measured in the same run with the same client — so the page's own cost (Razor
# rendering, the web app's sidecar hop to the gateway) is the difference. Target: a page's p95 at most 100 ms.
#   bench/pages.sh [rounds=3] [seconds=20]
# A fresh shop (bench/lib/shop.sh: every app of dapr.yaml under the dev sidecar, components/local, Release dlls) on free
# ports. hey -c 5 -q 10 (5 workers x 10 req/s = 50 req/s); prints p50 / p95 / p99 in ms, medians over the rounds.
# The machine must be quiet: the script refuses to measure while the 1-minute load average is 1.5 or more (figures from
# a busy machine measure the neighbours), unless FORCE=1. SKIP_BUILD=1 uses the Release build as it is; KEEP=dir keeps run.log.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD; config=Release; rounds=${1:-3}; secs=${2:-20}
load1=$(cut -d' ' -f1 /proc/loadavg)
if [ -z "${FORCE:-}" ] && awk -v l="$load1" 'BEGIN { exit !(l >= 1.5) }'; then
  echo "bench/pages.sh: load average $load1 (1 min) is 1.5 or more: not measuring on a busy machine (FORCE=1 overrides)" >&2
  exit 2
fi
. bench/lib/need.sh
bench_need hey
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null
# shellcheck source=lib/shop.sh
. "$PWD/bench/lib/shop.sh"
trap 'shop_stop' EXIT
shop_start local
base="http://localhost:$shop_gateway"
until curl -sf "$base/api/catalog/products?pageSize=1" >/dev/null; do sleep 0.2; done

query='wireless headphones'; q=${query// /+}
# name | URL (the pages first, then what each page asks the API)
targets=(
  "products page|$base/products"
  "  its API call: categories|$base/api/catalog/categories"
  "  its API call: products|$base/api/catalog/products?page=1&pageSize=12"
  "search page|$base/search?q=$q"
  "  its API call: search|$base/api/catalog/search?q=$q&page=1&pageSize=12"
)
lat() { # url -> "p50 p95 p99" in ms at 50 req/s
  local out; out=$(hey -z "${secs}s" -c 5 -q 10 "$1")
  echo "$out" | grep -qE '^\s+\[[^2][0-9]{2}\]' && { echo "non-2xx from $1: $out" >&2; exit 1; }
  echo "$out" | awk '/50% in/ {a=$3*1000} /95% in/ {b=$3*1000} /99% in/ {c=$3*1000} END {print a, b, c}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Warm every route (JIT, caches) before measuring.
for t in "${targets[@]}"; do hey -n 200 -c 5 "${t#*|}" >/dev/null; done
work=$shop_work
for r in $(seq "$rounds"); do
  echo "round $r/$rounds (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
  i=0; for t in "${targets[@]}"; do echo "$(lat "${t#*|}")" >>"$work/lat.$i"; i=$((i + 1)); done
done

echo
echo "| at 50 req/s through the gateway (hey -c 5 -q 10; median of $rounds rounds of ${secs}s) | p50 | p95 | p99 |"
echo "|---|---|---|---|"
i=0; for t in "${targets[@]}"; do
  col() { awk -v c="$1" '{print $c}' "$work/lat.$i" | median; }
  printf '| %s | %.1f ms | %.1f ms | %.1f ms |\n' "${t%%|*}" "$(col 1)" "$(col 2)" "$(col 3)"
  i=$((i + 1))
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); target: a page's p95 at most 100 ms"
