# A fresh shop for a benchmark, sourced by bench/growth.sh and bench/soak.sh: every app of dapr.yaml under the dev
# sidecar (`run -f`), Release dlls by default, from a copy of dapr.yaml with free ports in a temporary working directory,
# so it never collides with a shop you have open or another run. Each app folder is a link under the working directory,
# so the sidecars' relative paths (../../.data/shop.db, ../../.data/mail) land in "$shop_work/.data".
#   shop_start [local|redis]   sets shop_work, shop_run (the dev sidecar's pid), shop_gateway (its port), shop_mail
#                              redis: a redis-server on a free port (its own folder, no persistence), components/redis
#                              pointed at it; stopped by shop_stop
#   shop_stop                  stops the shop (and the redis-server), keeps run.log in $KEEP if set, removes the folder
#   shop_app_pid NAME.dll      the pid of the app running NAME.dll
# Expects $repo (the checkout whose build runs) and $config (Release or Debug); extra environment for every process in the
# array shop_env. One load client is one client per shopper token: the gateway's per-client limits are lifted.

shop_free_port() { # a port below Linux's ephemeral range (32768+) that nothing listens on
  local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done
}

shop_start() {
  local set=${1:-local}
  shop_work=$(mktemp -d /tmp/bench-shop-XXXX); shop_redis=
  mkdir -p "$shop_work/services"; for d in "$repo"/services/*/; do ln -s "${d%/}" "$shop_work/services/$(basename "$d")"; done
  local ports wanted=$(($(grep -c 'appID:' "$repo/dapr.yaml") * 3 + 1))
  # Distinct ports: draw again while two draws picked the same one.
  until ports=$(for _ in $(seq "$wanted"); do shop_free_port; done | sort -u | tr '\n' ' '); [ "$(wc -w <<<"$ports")" -eq "$wanted" ]; do :; done
  ports=${ports% }
  if [ "$set" = redis ]; then
    command -v redis-server >/dev/null || apt-get install -y -qq redis-server >/dev/null
    local redis_port=${ports##* }; ports=${ports% * }
    mkdir -p "$shop_work/redis" "$shop_work/components"   # the other sets linked (redis's secret store reads local/secrets.json)
    for d in "$repo"/components/*/; do [ "$(basename "$d")" = redis ] || ln -s "${d%/}" "$shop_work/components/$(basename "$d")"; done
    cp -r "$repo/components/redis" "$shop_work/components/redis"
    sed -i "s/localhost:6379/127.0.0.1:$redis_port/" "$shop_work/components/redis/"*.yaml
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$shop_work/redis" >"$shop_work/redis.log" 2>&1 &
    shop_redis=$!
    until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do kill -0 $shop_redis 2>/dev/null || { cat "$shop_work/redis.log"; return 1; }; sleep 0.1; done
  elif [ "$set" = local ]; then
    ln -s "$repo/components" "$shop_work/components"
  else
    echo "unknown component set '$set' (local or redis)" >&2; return 1
  fi
  awk -v ports="$ports" -v work="$shop_work" -v config="$config" -v set="$set" '
    BEGIN { n = split(ports, p, " "); i = 0 }
    /^ *(appPort|daprHTTPPort|daprGRPCPort): *[0-9]+ *$/ { key = $1; sub(/:$/, "", key); port = p[++i]; if (key == "appPort") app = port
                                                            sub(/[0-9]+ *$/, port); print; next }
    /^ *ASPNETCORE_URLS:/ { sub(/:[0-9]+ *$/, ":" app); print; next }
    /^ *appDirPath: *\.\// { sub(/\.\//, work "/"); print; next }
    /bin\/Debug\// { gsub(/bin\/Debug\//, "bin/" config "/"); print; next }
    /components\/local/ { gsub(/components\/local/, "components/" set); print; next }
    { print }' "$repo/dapr.yaml" >"$shop_work/dapr.yaml"
  shop_gateway=$(awk '/appID: gateway/ { g = 1 } g && /appPort:/ { print $2; exit }' "$shop_work/dapr.yaml")
  shop_mail="$shop_work/.data/mail"
  (cd "$shop_work" && exec env ${shop_env[@]+"${shop_env[@]}"} Gateway__RateLimitPermits=1000000 Gateway__LoginRateLimitPermits=1000000 Gateway__RegisterRateLimitPermits=1000000 \
      dotnet "$repo/tools/DevSidecar/bin/$config/net10.0/ShopDapr.DevSidecar.dll" run -f "$shop_work/dapr.yaml" >"$shop_work/run.log" 2>&1) &
  shop_run=$!
  until grep -qs "Every app is ready" "$shop_work/run.log"; do kill -0 $shop_run 2>/dev/null || { tail -50 "$shop_work/run.log"; return 1; }; sleep 0.2; done
}

shop_stop() {
  [ -z "${shop_run:-}" ] || { kill -TERM "$shop_run" 2>/dev/null || true; wait "$shop_run" 2>/dev/null || true; }
  [ -z "${shop_redis:-}" ] || { kill -TERM "$shop_redis" 2>/dev/null || true; wait "$shop_redis" 2>/dev/null || true; }
  [ -z "${shop_work:-}" ] || [ -z "${KEEP:-}" ] || { mkdir -p "$KEEP"; cp "$shop_work/run.log" "$shop_work/redis.log" "$KEEP/" 2>/dev/null || true; }
  [ -z "${shop_work:-}" ] || rm -rf "$shop_work"
  shop_run=; shop_redis=; shop_work=
}

shop_app_pid() { local p; for p in $(pgrep -P "$shop_run"); do grep -qa "$1" "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }; done; }
