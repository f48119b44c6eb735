#!/usr/bin/env bash
# The soak benchmark (issue 16): a fresh shop (bench/lib/shop.sh: the README's default run, Release dlls, components/local;
# `redis`: components/redis against a redis-server of its own on a free port), tools/LoadGen's closed loop for MINUTES
# after a warm-up, and every 30 s a sample written by the load generator itself (--samples): orders completed/s and
# checkout→Completed p95 in the interval, the lag from each order's completion to its four e-mails in the run's mail
# folder (p95/p99, orders still waiting), and the RSS and CPU % of the dev sidecar's run process, every app and the load
# generator. Then a markdown table, a chart (SVG, drawn by OxyPlot through `shopdapr-load chart`) and issue 16's verdict:
#   - orders/s in the last 10 min ≥ 95 % of the first 10 min after warm-up, and ≥ 50 orders/s over the whole window;
#   - every shop process's RSS within ±15 % of its minute-10 sample at every later sample;
#   - e-mail lag p99 ≤ 5 s in every sample, and every completed order's e-mails written within 10 s of the load stopping.
#   Runs shorter than 20 minutes scale the 10-minute spans to a sixth of the run (at least 60 s); the thresholds stay.
#   bench/soak.sh [minutes=60] [shoppers=48] [set=local|redis]
# Knobs: WARMUP=seconds (60), SAMPLE_EVERY=seconds (30), CHART=path (also copy the chart there), KEEP=dir (keep the
# shop's run.log), SKIP_BUILD=1. Results (samples.csv, soak.json, load.txt, soak.svg, table.md) stay in the folder printed first.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD; minutes=${1:-60}; shoppers=${2:-48}; set=${3:-local}; config=Release
warmup=${WARMUP:-60}; every=${SAMPLE_EVERY:-30}
# shellcheck source=lib/shop.sh
. bench/lib/shop.sh
. bench/lib/need.sh
bench_need jq
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null
load=(dotnet "$repo/tools/LoadGen/bin/$config/net10.0/ShopDapr.LoadGen.dll")
out=$(mktemp -d /tmp/soak-XXXX); echo "results in $out" >&2
trap shop_stop EXIT

shop_start "$set"
# A cold shop's first orders take seconds (every process JIT-compiles on first use): a short pass, then the measured
# run's own warm-up. Its orders are the load generator's of that pass, not the soak's (the soak's own warm-up orders
# must have their e-mails too).
"${load[@]}" --url "http://localhost:$shop_gateway" --shoppers 4 --warmup 0 --duration 5 --products 5 >"$out/warm.txt" 2>&1 || true
echo "soak: $minutes min, $shoppers shoppers, components/$set, ${warmup}s warm-up — load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
set +e
"${load[@]}" --url "http://localhost:$shop_gateway" --shoppers "$shoppers" --warmup "$warmup" --duration $((minutes * 60)) --poll-ms 500 \
    --watch-pid "$shop_run" --mail-dir "$shop_mail" --mail-wait 60 --samples "$out/samples.csv" --sample-every "$every" \
    --json "$out/soak.json" 2>&1 | tee "$out/load.txt" | grep --line-buffered -E 'measuring|draining|waiting for e-mails|error' >&2
set -e
[ -s "$out/soak.json" ] || { echo "the load generator wrote no results: $out/load.txt" >&2; exit 1; }
shop_stop
"${load[@]}" chart "$out/samples.csv" "$out/soak.svg" --title "ShopDapr soak: $minutes min, $shoppers shoppers, components/$set ($(date -u +%F))" >&2
[ -z "${CHART:-}" ] || cp "$out/soak.svg" "$CHART"

span=$(awk -v m="$minutes" 'BEGIN { s = m >= 20 ? 600 : m * 10; print (s < 60 ? 60 : s) }')
{
  echo "| min | orders/s | checkout→Completed p95 (ms) | e-mail lag p50 / p95 / p99 (ms) | orders waiting for e-mails (oldest s) | RSS total (MB) | CPU total (% of a core) |"
  echo "|---|---|---|---|---|---|---|"
  awk -F, 'function v(x) { return x == "" ? "-" : x }
    NR == 1 { for (i = 1; i <= NF; i++) { c[$i] = i; if ($i ~ /^rss_mb_/ && $i != "rss_mb_LoadGen") rss[i] = 1; if ($i ~ /^cpu_pct_/ && $i != "cpu_pct_LoadGen") cpu[i] = 1 }; next }
    { r = 0; for (i in rss) r += $i; u = 0; for (i in cpu) u += $i
      printf "| %.1f | %s | %s | %s / %s / %s | %s (%s) | %.0f | %.0f |\n", $c["t_s"] / 60, $c["orders_per_s"], v($c["saga_p95_ms"]),
        v($c["mail_lag_p50_ms"]), v($c["mail_lag_p95_ms"]), v($c["mail_lag_p99_ms"]), $c["mail_pending_orders"], v($c["mail_oldest_pending_s"]), r, u }' "$out/samples.csv"
  echo
  echo "| process | RSS at $((span / 60)) min $((span % 60)) s (MB) | RSS at the end (MB) | largest change after (%) | mean CPU (% of a core) |"
  echo "|---|---|---|---|---|"
  awk -F, -v span="$span" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^rss_mb_/) { name[i] = substr($i, 8); n++ }; next }
    { for (i in name) { cpu[i] += $(i + 1) * $2; secs[i] += $2; if ($1 >= span) { if (!(i in ref)) ref[i] = $i; d = ($i - ref[i]) / ref[i] * 100; a = d < 0 ? -d : d; if (a >= amax[i]) { amax[i] = a; dmax[i] = d } }; last[i] = $i } }
    END { for (i in name) printf "| %s | %s | %s | %+.1f | %.0f |\n", name[i], ref[i], last[i], dmax[i], cpu[i] / secs[i] }' "$out/samples.csv" | sort
} | tee "$out/table.md"

# The verdict, from the samples and the JSON report.
jqv() { jq -r "$1 // \"n/a\"" "$out/soak.json"; }
rate=$(jqv .orders.completedPerSecond); after=$(jqv .mail.allWrittenSecondsAfterLoadStopped)
verdict=$(awk -F, -v span="$span" -v total="$((minutes * 60))" -v rate="$rate" -v after="$after" '
  NR == 1 { for (i = 1; i <= NF; i++) { c[$i] = i; if ($i ~ /^rss_mb_/ && $i != "rss_mb_LoadGen") rss[i] = substr($i, 8) }; next }
  { t = $c["t_s"]; iv = $c["interval_s"]
    if (t <= span) { fo += $c["orders"]; fs += iv }
    if (t - iv >= total - span - 1) { lo += $c["orders"]; ls += iv }
    p99 = $c["mail_lag_p99_ms"]; if (p99 != "" && p99 > lagmax) lagmax = p99
    if (t >= span) for (i in rss) { if (!(i in ref)) ref[i] = $i; d = ($i - ref[i]) / ref[i]; if (d < 0) d = -d; if (d > dev[i]) dev[i] = d } }
  END {
    first = fs ? fo / fs : 0; lastr = ls ? lo / ls : 0
    ok1 = first > 0 && lastr >= 0.95 * first; ok2 = rate + 0 >= 50; ok3 = 1; worst = ""
    for (i in rss) if (dev[i] > 0.15) { ok3 = 0; worst = worst " " rss[i] sprintf("(%.0f%%)", dev[i] * 100) }
    ok4 = lagmax <= 5000; ok5 = after != "n/a" && after + 0 <= 10
    printf "%s orders/s in the last %d s %.1f vs the first %d s %.1f (%.0f %%; ≥ 95 %%)\n", ok1 ? "PASS" : "FAIL", span, lastr, span, first, first ? 100 * lastr / first : 0
    printf "%s orders/s over the window %.1f (≥ 50)\n", ok2 ? "PASS" : "FAIL", rate
    printf "%s every shop process RSS within ±15 %% of its sample at %d s%s\n", ok3 ? "PASS" : "FAIL", span, ok3 ? "" : ": outside:" worst
    printf "%s e-mail lag p99 ≤ 5 s in every sample (largest %.0f ms)\n", ok4 ? "PASS" : "FAIL", lagmax
    printf "%s every completed order'"'"'s e-mails written within 10 s of the load stopping (%s)\n", ok5 ? "PASS" : "FAIL", after == "n/a" ? "not all written" : sprintf("%.1f s", after)
  }' "$out/samples.csv")
echo
echo "Verdict (issue 16; spans of $span s$([ "$minutes" -ge 20 ] || echo ", scaled down from 10 min for a $minutes-minute run")):"
echo "$verdict"
echo "chart: $out/soak.svg${CHART:+ (copied to $CHART)}; \"load stopping\" is the end of the last journey (the window's in-flight orders awaited)"
