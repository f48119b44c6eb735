#!/usr/bin/env bash
# The keys app's cost, and what it adds to a login. Two fresh shops (bench/lib/shop.sh: components/local, Release dlls),
# one after the other, and the keys app's operations in process:
#   keys    — the shop as it ships: identity signs every token through keys (identity-tokens, ES256), payment encrypts
#             card data through keys (payment-cards, AES-256-GCM)
#   pem     — the same shop with Identity__TokenSigning=SecretStore and a fresh P-256 PEM in a copy of
#             components/local/secrets.json (the old signer: the key read once, signing in process)
# Rows (hey, for SECONDS each; any non-2xx fails the run):
#   - admin logins through the gateway, one client, in each shop: a login's cost before and after (one client only:
#     identity counts an account's logins in flight against it, so concurrent logins of one account are throttled);
#   - sign (identity's sidecar -> keys' sidecar -> keys), encrypt and decrypt (payment's sidecar -> ...), each at a fixed
#     rate (RATE/s, default 100: 4 workers at RATE/4) and closed-loop at 1 and 16 clients (saturation). Every call
#     appends one audit entry under the audit head's ETag, so if the head serialises audited calls, 16 clients go no
#     faster than 1;
#   - the baseline: the same three operations in process (bench/Keys.Bench: KeyOperations, no HTTP, no audit).
#   bench/tokens.sh [seconds=20]
# SKIP_BUILD=1 uses the existing Release build; KEEP=dir keeps the run logs; RATE=n sets the fixed rate.
set -euo pipefail
cd "$(dirname "$0")/.."
real=$PWD; secs=${1:-20}; config=Release; rate=${RATE:-100}
. bench/lib/need.sh
bench_need hey
bench_need jq
[ -n "${SKIP_BUILD:-}" ] || dotnet build ShopDapr.sln -c $config -nologo -clp:ErrorsOnly >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# shellcheck source=lib/shop.sh
. "$real/bench/lib/shop.sh"
trap 'shop_stop 2>/dev/null || true; rm -rf "${pem_repo:-}"' EXIT

email=$(jq -r '."admin-email"' "$real/components/local/secrets.json"); password=$(jq -r '."admin-password"' "$real/components/local/secrets.json")
login_body=$(jq -nc --arg e "$email" --arg p "$password" '{email: $e, password: $p}')

hey_row() { # LABEL CLIENTS[@RATE] URL BODY [HEADER...]: "| label | load | per s | p50 ms | p99 ms |"; fails on any non-2xx
  local label=$1 load=$2 url=$3 body=$4; shift 4
  local headers=(); for h in "$@"; do headers+=(-H "$h"); done
  local args=(-c "${load%@*}") shown="${load%@*} clients"
  if [[ $load == *@* ]]; then args=(-c 4 -q $(( ${load#*@} / 4 ))); shown="${load#*@}/s fixed"; fi
  local out; out=$(hey -z "${secs}s" "${args[@]}" -m POST -T application/json -d "$body" "${headers[@]}" "$url")
  echo "$out" | grep -qE '^\s+\[[^2][0-9]{2}\]' && { echo "non-2xx from $url: $out" >&2; return 1; }
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$shown" "$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')" \
    "$(echo "$out" | awk '/50% in/ {print $3*1000}')" "$(echo "$out" | awk '/99% in/ {print $3*1000}')"
}

warm() { # CLIENTS URL BODY [HEADER...]: 200 unmeasured calls, so the first row does not pay for JIT and cold caches
  local clients=$1 url=$2 body=$3; shift 3
  local headers=(); for h in "$@"; do headers+=(-H "$h"); done
  hey -n 200 -c "$clients" -m POST -T application/json -d "$body" "${headers[@]}" "$url" >/dev/null
}

sidecar_port() { awk -v app="appID: $1" '$0 ~ app { i = 1 } i && /daprHTTPPort:/ { print $2; exit }' "$shop_work/dapr.yaml"; }

await_login() { until curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "$login_body" "http://localhost:$shop_gateway/api/identity/login"; do sleep 0.2; done; }

echo "| operation | load | per s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"

# 1. The shop as it ships: tokens signed through keys, card data encrypted through keys.
repo=$real; shop_env=(); shop_start local; await_login
warm 1 "http://localhost:$shop_gateway/api/identity/login" "$login_body"
hey_row "login through the gateway, keys signer" 1 "http://localhost:$shop_gateway/api/identity/login" "$login_body"
dapr_token=$(sed -n 's/.*DAPR_API_TOKEN: *//p' "$shop_work/dapr.yaml" | head -1)
input=$(head -c 300 /dev/urandom | base64 -w0)
invoke() { echo "http://127.0.0.1:$(sidecar_port "$1")/v1.0/invoke/keys/method/internal/keys/$2"; }
sign_url=$(invoke identity sign/identity-tokens); encrypt_url=$(invoke payment encrypt/payment-cards); decrypt_url=$(invoke payment decrypt/payment-cards)
ciphertext=$(curl -sf -X POST -H 'Content-Type: application/json' -H "dapr-api-token: $dapr_token" \
  -d "{\"plaintext\":\"$input\",\"associatedData\":\"YmVuY2g=\"}" "$encrypt_url" | jq -r .ciphertext)
warm 4 "$sign_url" "{\"input\":\"$input\"}" "dapr-api-token: $dapr_token"
warm 4 "$encrypt_url" "{\"plaintext\":\"$input\",\"associatedData\":\"YmVuY2g=\"}" "dapr-api-token: $dapr_token"
warm 4 "$decrypt_url" "{\"ciphertext\":\"$ciphertext\",\"associatedData\":\"YmVuY2g=\"}" "dapr-api-token: $dapr_token"
for load in "@$rate" 1 16; do
  hey_row "sign ES256 via identity's sidecar" "$load" "$sign_url" "{\"input\":\"$input\"}" "dapr-api-token: $dapr_token"
  hey_row "encrypt AES-GCM via payment's sidecar" "$load" "$encrypt_url" "{\"plaintext\":\"$input\",\"associatedData\":\"YmVuY2g=\"}" "dapr-api-token: $dapr_token"
  hey_row "decrypt AES-GCM via payment's sidecar" "$load" "$decrypt_url" "{\"ciphertext\":\"$ciphertext\",\"associatedData\":\"YmVuY2g=\"}" "dapr-api-token: $dapr_token"
done
KEEP=${KEEP:+$KEEP/keys} shop_stop

# 2. The old signer: a PEM in the secret store, signing in process (a checkout whose components/local has a key).
pem_repo=$(mktemp -d /tmp/bench-pem-XXXX)
for f in "$real"/*; do [ "$(basename "$f")" = components ] || ln -s "$f" "$pem_repo/$(basename "$f")"; done
cp -r "$real/components" "$pem_repo/components"
pem=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkcs8 -topk8 -nocrypt)
jq --arg k "$pem" '."token-signing-key" = $k' "$real/components/local/secrets.json" >"$pem_repo/components/local/secrets.json"
repo=$pem_repo; shop_env=(Identity__TokenSigning=SecretStore); shop_start local; await_login
warm 1 "http://localhost:$shop_gateway/api/identity/login" "$login_body"
hey_row "login through the gateway, in-process PEM signer" 1 "http://localhost:$shop_gateway/api/identity/login" "$login_body"
KEEP=${KEEP:+$KEEP/pem} shop_stop
echo
# 3. The baseline: the same operations in process.
dotnet run -c $config --no-build --project "$real/bench/Keys.Bench" -- 20000
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
