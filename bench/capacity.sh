#!/usr/bin/env bash
# The capacity model: what the shop needs in a cluster, from what it measurably costs.
#   bench/capacity.sh [saga.json]
# Reads the CPU per completed order of every process from a saga benchmark's --json file (default: the closed loop on
# components/local measured 2026-12-07, bench/data/; make a new one with bench/saga.sh — its results folder keeps the
# JSON of each run), the pods' CPU requests and the autoscalers from `kubectl kustomize deploy/k8s/overlays/prod`, and
# the Dapr control plane's requests from deploy/k8s/dapr/values-ha.yaml. Prints (Markdown):
#   1. each app's CPU per order (its own and its share of the sidecars) and how it scales;
#   2. replicas, pods, cores used and requested, and nodes for RATES orders/s at the autoscalers' targets;
#   3. a day of traffic (evening peak PEAK orders/s, a flash sale of SALE_FACTOR × the peak at noon for 15 minutes)
#      played against the HPA and KEDA rules (15 s syncs, 10 % tolerance, scale-up ≤ +100 % or +4 pods a sync,
#      the scale-down stabilisation window, KEDA reading the queues every 30 s, pods working 45 s after a scale-up):
#      replicas over time and the orders that would queue; the chart goes to SVG.
# Knobs: RATES (100,1000,10000), NODE_CORES (8), PEAK (100), SALE_FACTOR (3), SVG (bench/charts/capacity-day.svg),
# SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
json=${1:-bench/data/saga-local-2026-12-07.json}
command -v kubectl >/dev/null || { echo "bench/capacity.sh: kubectl is needed to render deploy/k8s" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || dotnet build tools/LoadGen -c Release -nologo -clp:ErrorsOnly >/dev/null
rendered=$(mktemp /tmp/capacity-prod-XXXX.yaml); trap 'rm -f "$rendered"' EXIT
kubectl kustomize deploy/k8s/overlays/prod >"$rendered"
dotnet tools/LoadGen/bin/Release/net10.0/ShopDapr.LoadGen.dll capacity --cpu "$json" --manifests "$rendered" \
  --helm-values deploy/k8s/dapr/values-ha.yaml --rates "${RATES:-100,1000,10000}" --node-cores "${NODE_CORES:-8}" \
  --peak "${PEAK:-100}" --sale-factor "${SALE_FACTOR:-3}" --svg "${SVG:-bench/charts/capacity-day.svg}"
