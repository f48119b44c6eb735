#!/usr/bin/env bash
# Token issue through the keys app vs. the in-process PEM signer, and whether the keys app's audit chain serialises
# its calls. Two fresh shops (bench/lib/shop.sh: components/local, Release dlls), one after the other:
#   keys    — the shop as it ships: identity signs every token through keys (identity-tokens, ES256)
#   pem     — the same shop with Identity__TokenSigning=SecretStore and a fresh P-256 PEM in a copy of
#             components/local/secrets.json (the old signer: the key read once, signing in process)
# In each: admin logins (POST /api/identity/login through the gateway) for SECONDS at 1 and at 16 concurrent clients
# (hey, closed loop): logins/s and p50/p99. In the keys shop also: sign calls straight through identity's sidecar
# (POST /v1.0/invoke/keys/method/internal/keys/sign/identity-tokens, caller identity) at 1 and 16 clients: every
# call appends one audit entry guarded by the audit head's ETag, so if the head serialises audited calls, 16 clients
# sign no faster than 1 (or slower, losing ETag races).
#   bench/tokens.sh [seconds=20]
# SKIP_BUILD=1 uses the existing Release build; KEEP=dir keeps the run logs.
set -euo pipefail
cd "$(dirname "$0")/.."
real=$PWD; secs=${1:-20}; config=Release
command -v hey >/dev/null || apt-get install -y -qq hey >/dev/null
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# shellcheck source=lib/shop.sh
. "$real/bench/lib/shop.sh"
trap 'shop_stop 2>/dev/null || true; rm -rf "${pem_repo:-}"' EXIT

email=$(jq -r '."admin-email"' "$real/components/local/secrets.json"); password=$(jq -r '."admin-password"' "$real/components/local/secrets.json")
login_body=$(jq -nc --arg e "$email" --arg p "$password" '{email: $e, password: $p}')

hey_row() { # LABEL CLIENTS URL BODY [HEADER...]: "| label | clients | req/s | p50 ms | p99 ms |"; fails on any non-2xx
  local label=$1 clients=$2 url=$3 body=$4; shift 4
  local headers=(); for h in "$@"; do headers+=(-H "$h"); done
  local out; out=$(hey -z "${secs}s" -c "$clients" -m POST -T application/json -d "$body" "${headers[@]}" "$url")
  echo "$out" | grep -qE '^\s+\[[^2][0-9]{2}\]' && { echo "non-2xx from $url: $out" >&2; return 1; }
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$clients" "$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')" \
    "$(echo "$out" | awk '/50% in/ {print $3*1000}')" "$(echo "$out" | awk '/99% in/ {print $3*1000}')"
}

await_login() { until curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "$login_body" "http://localhost:$shop_gateway/api/identity/login"; do sleep 0.2; done; }

echo "| signer | clients | per s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"

# 1. The shop as it ships: tokens signed through keys.
repo=$real; shop_env=(); shop_start local; await_login
for c in 1 16; do hey_row "login, keys signer" $c "http://localhost:$shop_gateway/api/identity/login" "$login_body"; done
identity_http=$(awk '/appID: identity/ { i = 1 } i && /daprHTTPPort:/ { print $2; exit }' "$shop_work/dapr.yaml")
dapr_token=$(sed -n 's/.*DAPR_API_TOKEN: *//p' "$shop_work/dapr.yaml" | head -1)
sign_body="{\"input\":\"$(head -c 300 /dev/urandom | base64 -w0)\"}"
for c in 1 16; do hey_row "keys sign via identity's sidecar (audited)" $c "http://127.0.0.1:$identity_http/v1.0/invoke/keys/method/internal/keys/sign/identity-tokens" "$sign_body" "dapr-api-token: $dapr_token"; done
KEEP=${KEEP:+$KEEP/keys} shop_stop

# 2. The old signer: a PEM in the secret store, signing in process (a checkout whose components/local has a key).
pem_repo=$(mktemp -d /tmp/bench-pem-XXXX)
for f in "$real"/*; do [ "$(basename "$f")" = components ] || ln -s "$f" "$pem_repo/$(basename "$f")"; done
cp -r "$real/components" "$pem_repo/components"
pem=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkcs8 -topk8 -nocrypt)
jq --arg k "$pem" '."token-signing-key" = $k' "$real/components/local/secrets.json" >"$pem_repo/components/local/secrets.json"
repo=$pem_repo; shop_env=(Identity__TokenSigning=SecretStore); shop_start local; await_login
for c in 1 16; do hey_row "login, in-process PEM signer" $c "http://localhost:$shop_gateway/api/identity/login" "$login_body"; done
KEEP=${KEEP:+$KEEP/pem} shop_stop
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
