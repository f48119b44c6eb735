#!/usr/bin/env bash
# Runs every test project of the solution and prints one closing line: "N passed, N failed, N skipped".
# Installs what the suites need on a fresh Debian machine (root or sudo); starts nothing it does not stop.
set -uo pipefail
cd "$(dirname "$0")"

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# Debian packages some suites use (servers are started and stopped by the tests themselves).
need=()
for pkg in $(cat tests/apt-packages.txt 2>/dev/null | grep -v '^#'); do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Debug: the same build dapr.yaml starts the apps from (bin/Debug), so the end-to-end suite runs what the README runs.
dotnet build ShopDapr.sln -nologo -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
for proj in $(find tests -name '*.Tests.csproj' | sort); do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  dotnet test "$proj" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
  [ -e "$results/$name.trx" ] || missing=1
done

# The end-to-end suite again on each durable component set (components/redis, components/postgres): the same tests,
# the shop on real redis-server, PostgreSQL and rabbitmq-server that the suite starts on free ports and stops.
for set in redis postgres; do
  name="EndToEnd.Tests.$set"
  echo "== $name"
  SHOP_COMPONENT_SET=$set dotnet test tests/EndToEnd.Tests/EndToEnd.Tests.csproj --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
  [ -e "$results/$name.trx" ] || missing=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ $files -eq 0 ] || [ "${missing:-0}" -eq 1 ] || { [ $status -ne 0 ] && [ $failed -eq 0 ]; }; then
  failed=$((failed + 1))   # the runner failed without a result file (crash, hang): count it
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
