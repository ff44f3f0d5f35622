#!/usr/bin/env bash
# The metrics as Prometheus reads them: starts `tessera serve --demo` on a free port, logs in
# (once right, once wrong), validates and refreshes, then scrapes /metrics and runs it through
# `promtool check metrics`, failing on any error or lint warning it prints.
#
#   tests/metrics/run.sh
#
# Environment:
#   TESSERA_BIN   tessera binary (default: <repo>/target/release/tessera, built if missing)
# Installs Debian's `prometheus` package when promtool is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

if ! command -v promtool >/dev/null; then
  echo "metrics: installing promtool (Debian's prometheus package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
if [ ! -x "$bin" ]; then
  [ -z "${TESSERA_BIN:-}" ] || { echo "metrics: TESSERA_BIN=$TESSERA_BIN is not an executable" >&2; exit 1; }
  (cd "$root" && cargo build --release -p tessera-server)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-metrics.XXXXXX")
pid=
status=1
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
    echo "===== server log"; cat "$work/server.log"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/data"
"$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
port=
deadline=$((SECONDS + 30))
while [ -z "$port" ]; do
  port=$(sed -n 's|^tessera listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/server.log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "metrics: tessera exited before listening" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "metrics: tessera did not listen within 30 s" >&2; exit 1; }
  sleep 0.1
done
api=http://127.0.0.1:$port/api/v1

post() { curl -s -o "$work/answer" -w '%{http_code}' -H 'content-type: application/json' "$@"; }
[ "$(post -d '{"username":"admin","password":"wrong"}' "$api/auth/login")" = 401 ]
[ "$(post -d '{"username":"admin","password":"admin"}' "$api/auth/login")" = 200 ]
access=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$work/answer")
refresh=$(sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p' "$work/answer")
[ "$(post -X POST -H "authorization: Bearer $access" "$api/auth/token/validation")" = 200 ]
[ "$(post -d "{\"refresh_token\":\"$refresh\"}" "$api/auth/token/refresh")" = 200 ]

curl -sf "http://127.0.0.1:$port/metrics" >"$work/metrics"
grep -q '^tessera_logins_total{outcome="success"} 1$' "$work/metrics" \
  || { echo "metrics: the login was not counted" >&2; cat "$work/metrics"; exit 1; }
rc=0
promtool check metrics <"$work/metrics" >"$work/promtool" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] || [ -s "$work/promtool" ]; then
  cat "$work/promtool"
  echo "metrics: promtool check metrics finds fault (exit $rc)" >&2
  exit 1
fi
echo "metrics: $(grep -c '^tessera_' "$work/metrics") samples, promtool check metrics: clean"
status=0
