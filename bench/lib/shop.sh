# A fresh shop for a benchmark, sourced by bench/growth.sh and bench/soak.sh: every app of dapr.yaml under the dev
# sidecar (`run -f`), Release dlls by default, from a copy of dapr.yaml with free ports in a temporary working directory,
# so it never collides with a shop you have open or another run. Each app folder is a link under the working directory,
# so the sidecars' relative paths (../../.data/shop.db, ../../.data/mail) land in "$shop_work/.data".
#   shop_start [local|redis|postgres]
#                              sets shop_work, shop_run (the dev sidecar's pid), shop_gateway (its port), shop_mail
#                              redis: a redis-server on a free port (its own folder, no persistence), components/redis
#                              pointed at it; postgres: a PostgreSQL cluster (initdb, the server's default durability) with
#                              the database shopdapr and a rabbitmq-server, each on free ports in its own folder,
#                              components/postgres pointed at them; all stopped by shop_stop
#   shop_stop                  stops the shop (and its servers), keeps run.log in $KEEP if set, removes the folder
#   shop_app_pid NAME.dll      the pid of the app running NAME.dll
# Expects $repo (the checkout whose build runs) and $config (Release or Debug); extra environment for every process in the
# array shop_env. One load client is one client per shopper token: the gateway's per-client limits are lifted.
# The working directory (the SQLite file, the mail drop) is made under $SHOP_TMP, by default /dev/shm (tmpfs) where it
# exists, else /tmp. On this VM's ext4 /tmp, after earlier runs had removed their tens of thousands of e-mail files,
# creating a file took ~785 us (27 us in a quiet folder, 12 us on tmpfs): the kernel cost of the mail drop alone then
# made the dev sidecar ~1.5 x costlier per order, and every result depended on what ran before it. PostgreSQL's data
# directory stays on /tmp (its durability is part of what the postgres set measures).
# SHOP_WITHOUT="analytics keys": app ids left out of the run, to tell what an app costs the others (its callers then
# meet what they meet when it is down).

. "$(dirname "${BASH_SOURCE[0]}")/need.sh"

shop_free_port() { # a port below Linux's ephemeral range (32768+) that nothing listens on
  local p; while :; do p=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done
}

shop_start() {
  local set=${1:-local}
  local base=${SHOP_TMP:-}; [ -n "$base" ] || { [ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm || base=/tmp; }
  shop_work=$(mktemp -d "$base/bench-shop-XXXX"); shop_servers=(); shop_dirs=()
  mkdir -p "$shop_work/services"; for d in "$repo"/services/*/; do ln -s "${d%/}" "$shop_work/services/$(basename "$d")"; done
  local ports wanted=$(($(grep -c 'appID:' "$repo/dapr.yaml") * 3 + 4))
  # Distinct ports: draw again while two draws picked the same one. The last four are for the servers.
  until ports=$(for _ in $(seq "$wanted"); do shop_free_port; done | sort -u | tr '\n' ' '); [ "$(wc -w <<<"$ports")" -eq "$wanted" ]; do :; done
  ports=${ports% }; local servers; servers=($(tr ' ' '\n' <<<"$ports" | tail -4)); ports=$(tr ' ' '\n' <<<"$ports" | head -n -4 | tr '\n' ' ')
  case "$set" in
    local) ln -s "$repo/components" "$shop_work/components" ;;
    redis|postgres)
      mkdir -p "$shop_work/components"   # the other sets linked (their secret stores read local/secrets.json)
      for d in "$repo"/components/*/; do [ "$(basename "$d")" = "$set" ] || ln -s "${d%/}" "$shop_work/components/$(basename "$d")"; done
      cp -r "$repo/components/$set" "$shop_work/components/$set"
      "shop_start_$set" "${servers[@]}" || return 1 ;;
    *) echo "unknown component set '$set' (local, redis or postgres)" >&2; return 1 ;;
  esac
  awk -v ports="$ports" -v work="$shop_work" -v config="$config" -v set="$set" '
    BEGIN { n = split(ports, p, " "); i = 0 }
    /^ *(appPort|daprHTTPPort|daprGRPCPort): *[0-9]+ *$/ { key = $1; sub(/:$/, "", key); port = p[++i]; if (key == "appPort") app = port
                                                            sub(/[0-9]+ *$/, port); print; next }
    /^ *ASPNETCORE_URLS:/ { sub(/:[0-9]+ *$/, ":" app); print; next }
    /^ *appDirPath: *\.\// { sub(/\.\//, work "/"); print; next }
    /bin\/Debug\// { gsub(/bin\/Debug\//, "bin/" config "/"); print; next }
    /components\/local/ { gsub(/components\/local/, "components/" set); print; next }
    { print }' "$repo/dapr.yaml" \
    | awk -v without="${SHOP_WITHOUT:-}" '/^  - appID:/ { skip = without != "" && index(" " without " ", " " $3 " ") } !skip { print }' >"$shop_work/dapr.yaml"
  shop_gateway=$(awk '/appID: gateway/ { g = 1 } g && /appPort:/ { print $2; exit }' "$shop_work/dapr.yaml")
  shop_mail="$shop_work/.data/mail"
  (cd "$shop_work" && exec env ${shop_env[@]+"${shop_env[@]}"} Gateway__RateLimitPermits=1000000 Gateway__LoginRateLimitPermits=1000000 Gateway__RegisterRateLimitPermits=1000000 \
      dotnet "$repo/tools/DevSidecar/bin/$config/net10.0/ShopDapr.DevSidecar.dll" run -f "$shop_work/dapr.yaml" >"$shop_work/run.log" 2>&1) &
  shop_run=$!
  until grep -qs "Every app is ready" "$shop_work/run.log"; do kill -0 $shop_run 2>/dev/null || { tail -50 "$shop_work/run.log"; return 1; }; sleep 0.2; done
}

shop_wait() { # NAME PID COMMAND...: until COMMAND succeeds; fails with the server's log when it died
  local name=$1 pid=$2; shift 2
  until "$@" >/dev/null 2>&1; do kill -0 "$pid" 2>/dev/null || { echo "$name did not start:" >&2; tail -30 "$shop_work/$name.log" >&2; return 1; }; sleep 0.2; done
}

shop_start_redis() { # PORT
  bench_need redis-server
  sed -i "s/localhost:6379/127.0.0.1:$1/" "$shop_work/components/redis/"*.yaml
  mkdir -p "$shop_work/redis"
  redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --dir "$shop_work/redis" >"$shop_work/redis.log" 2>&1 &
  shop_servers+=($!)
  shop_wait redis $! sh -c "redis-cli -p $1 ping | grep -q PONG"
}

shop_start_postgres() { # PG_PORT AMQP_PORT DIST_PORT EPMD_PORT
  [ -d /usr/lib/postgresql ] || bench_install postgresql
  bench_need rabbitmq-server
  local bin pg rabbit=$shop_work/rabbit as=()
  pg=$(mktemp -d /tmp/bench-pg-XXXX); shop_dirs+=("$pg")   # outside $shop_work (0700, root's): the postgres user owns it
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  sed -i "s/host=localhost/host=127.0.0.1/; s/port=5432/port=$1/; s#@localhost:5672#@127.0.0.1:$2#" "$shop_work/components/postgres/"*.yaml
  # The password the set's YAML names; initdb refuses to run as root, so the cluster belongs to the postgres user.
  mkdir -p "$pg" && echo example >"$pg/pw"
  [ "$(id -u)" != 0 ] || { chown -R postgres:postgres "$pg"; as=(setpriv --reuid=postgres --regid=postgres --init-groups --); }
  "${as[@]}" "$bin/initdb" -D "$pg/data" -U postgres --auth=scram-sha-256 --pwfile="$pg/pw" -E UTF8 >"$shop_work/postgres.log" 2>&1
  "${as[@]}" "$bin/postgres" -D "$pg/data" -p "$1" -h 127.0.0.1 -k "$pg" -c max_connections=500 >>"$shop_work/postgres.log" 2>&1 &
  shop_servers+=($!)
  shop_wait postgres $! env PGPASSWORD=example "$bin/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -c 'create database shopdapr'
  mkdir -p "$rabbit" && echo '[].' >"$rabbit/plugins" && echo 'log.console = true' >"$rabbit/rabbitmq.conf"
  local env=(HOME="$rabbit" RABBITMQ_NODENAME="bench$$@localhost" RABBITMQ_NODE_PORT="$2" RABBITMQ_DIST_PORT="$3" ERL_EPMD_PORT="$4"
    RABBITMQ_MNESIA_BASE="$rabbit/mnesia" RABBITMQ_LOG_BASE="$rabbit/log" RABBITMQ_LOGS=- RABBITMQ_PID_FILE="$rabbit/pid"
    RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit/plugins" RABBITMQ_CONFIG_FILE="$rabbit/rabbitmq")
  env "${env[@]}" epmd -port "$4" >"$shop_work/epmd.log" 2>&1 &
  shop_servers+=($!)
  env "${env[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server >"$shop_work/rabbitmq.log" 2>&1 &
  shop_servers+=($!)
  shop_wait rabbitmq $! env "${env[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -q await_startup
}

shop_stop() {
  [ -z "${shop_run:-}" ] || { kill -TERM "$shop_run" 2>/dev/null || true; wait "$shop_run" 2>/dev/null || true; }
  # A server's script may run it as a child (rabbitmq-server runs beam): its children first, then it.
  local p; for p in ${shop_servers[@]+"${shop_servers[@]}"}; do pkill -TERM -P "$p" 2>/dev/null || true; kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -z "${shop_work:-}" ] || [ -z "${KEEP:-}" ] || { mkdir -p "$KEEP"; cp "$shop_work"/*.log "$KEEP/" 2>/dev/null || true; }
  [ -z "${shop_work:-}" ] || rm -rf "$shop_work" ${shop_dirs[@]+"${shop_dirs[@]}"}
  shop_run=; shop_servers=(); shop_dirs=(); shop_work=
}

shop_app_pid() { local p; for p in $(pgrep -P "$shop_run"); do grep -qa "$1" "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }; done; }
