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

name=metrics
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if ! command -v promtool >/dev/null; then
  echo "metrics: installing promtool (Debian's prometheus package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
ensure_bin
start_server
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
