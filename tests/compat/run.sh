#!/usr/bin/env bash
# Compatibility check: drives tessera with the real PlantDB Python client (plantdb-client 0.17.0).
#
#   tests/compat/run.sh
#
# Environment:
#   TESSERA_BIN           tessera binary (default: <repo>/target/release/tessera, built if missing)
#   TESSERA_COMPAT_VENV   virtualenv to create or reuse (default: ~/.cache/tessera-compat/venv)
#   PYTHON                interpreter for the virtualenv (default: python3; needs 3.10-3.12)
#
# Run A: `tessera serve --demo` with default settings, all auth routes through the client.
# Run B: the same with SESSION_TIMEOUT=1 TESSERA_JWT_LEEWAY=0, for the client's automatic
#        refresh after its access token expired.
# Run C: a PlantDB database written now by PlantDB's own code (make_plantdb_users.py), imported
#        with `tessera user import --plantdb`; its users log in with their PlantDB passwords.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${TESSERA_COMPAT_VENV:-$HOME/.cache/tessera-compat/venv}
python=${PYTHON:-python3}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
unset PLANTDB_PREFIX ROMI_APP_LOGGER CERT_PATH

# --- client virtualenv --------------------------------------------------------------------------
# plantdb-client depends on plantdb-commons, which pulls in numpy, imagecodecs, imageio, paramiko,
# argon2-cffi, PyJWT, ... that the auth client never imports. Install both without dependencies,
# plus exactly what `plantdb.client.plantdb_client` and `.rest_api.requests` import, with their own
# dependencies (pybase64 is imported but not declared by plantdb-client), and argon2-cffi (with its
# bindings) for `plantdb.commons.auth.rbac`, which writes the PlantDB database of run C.
client_imports='import plantdb.client.plantdb_client, plantdb.client.rest_api.requests, plantdb.commons.auth.models, plantdb.commons.auth.rbac'
if ! "$venv/bin/python" -c "$client_imports" 2>/dev/null \
   || [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("plantdb.client"))')" != 0.17.0 ]; then
  echo "compat: setting up the client virtualenv in $venv"
  "$python" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' \
    || { echo "compat: plantdb-client 0.17.0 needs Python 3.10-3.12; set PYTHON" >&2; exit 1; }
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps \
    'plantdb-client==0.17.0' 'plantdb-commons==0.17.0' \
    requests urllib3 certifi charset-normalizer idna ada-url cffi pycparser colorlog pybase64 pillow \
    'argon2-cffi==25.1.0' 'argon2-cffi-bindings==25.1.0'
  "$venv/bin/python" -c "$client_imports"
fi

# --- tessera binary -----------------------------------------------------------------------------
if [ ! -x "$bin" ]; then
  [ -z "${TESSERA_BIN:-}" ] || { echo "compat: TESSERA_BIN=$TESSERA_BIN is not an executable" >&2; exit 1; }
  echo "compat: building tessera-server (release)"
  (cd "$root" && cargo build --release -p tessera-server)
fi

# --- servers ------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-compat.XXXXXX")
pids=()
logs=()
status=1

cleanup() {
  local pid log
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "${logs[@]}"; do
      echo "===== server log: $log"
      cat "$log" 2>/dev/null || true
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME [VAR=VALUE...]: starts tessera on $work/NAME-data, sets $port.
start_server() {
  local name=$1; shift
  local log=$work/$name.log data=$work/$name-data
  mkdir -p "$data"
  env "$@" "$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
  pids+=("$!")
  logs+=("$log")
  local pid=$! deadline=$((SECONDS + 30))
  port=
  while [ -z "$port" ]; do
    port=$(sed -n 's|^tessera listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n1)
    [ -n "$port" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "compat: tessera ($name) exited before listening" >&2; return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "compat: tessera ($name) printed no 'tessera listening on' line within 30 s" >&2; return 1
    fi
    sleep 0.1
  done
  echo "compat: tessera ($name) listening on 127.0.0.1:$port"
}

total_pass=0
total_fail=0
# run_check NAME PART: runs the client check, adds its counts to the totals.
run_check() {
  local out=$work/$1.out rc=0
  "$venv/bin/python" "$here/plantdb_client_check.py" --port "$port" --part "$2" | tee "$out" || rc=$?
  local counts
  counts=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$out" | tail -n1)
  if [ -z "$counts" ]; then
    echo "compat: run $1 ended without a result line (exit $rc)" >&2
    total_fail=$((total_fail + 1))
    return
  fi
  local passed failed
  read -r passed failed <<<"$counts"
  total_pass=$((total_pass + passed))
  total_fail=$((total_fail + failed))
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then total_fail=$((total_fail + 1)); fi
}

echo "== run A: tessera serve --demo"
start_server run-a
run_check run-a main

echo "== run B: SESSION_TIMEOUT=1 TESSERA_JWT_LEEWAY=0"
start_server run-b SESSION_TIMEOUT=1 TESSERA_JWT_LEEWAY=0
run_check run-b expiry

echo "== run C: tessera user import --plantdb, on a database PlantDB's code wrote"
plantdb_db=$work/plantdb-db
logs+=("$work/plantdb-db.log" "$work/import.err")
if "$venv/bin/python" "$here/make_plantdb_users.py" "$plantdb_db" >"$work/plantdb-db.log" 2>&1 \
   && mkdir -p "$work/run-c-data" \
   && env -u TESSERA_BIN -u TESSERA_COMPAT_VENV "$bin" user --data-dir "$work/run-c-data" \
        import --plantdb "$plantdb_db" >"$work/import.out" 2>"$work/import.err" \
   && sed 's/^/compat: import: /' "$work/import.out" \
   && grep -qx 'created 7, skipped 0, could not read 2' "$work/import.out"; then
  start_server run-c
  run_check run-c import
else
  echo "compat: writing or importing the PlantDB database failed (or its report is not the expected one)" >&2
  total_fail=$((total_fail + 1))
fi

[ "$total_fail" -eq 0 ] && status=0
echo "compat: $total_pass passed, $total_fail failed"
exit "$status"
