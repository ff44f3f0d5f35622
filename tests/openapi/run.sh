#!/usr/bin/env bash
# Contract check: the OpenAPI document that a live `tessera serve --demo` serves is a valid
# OpenAPI 3.1 document (openapi-spec-validator), and the server keeps to it (Schemathesis runs its
# generated cases against every operation: no 5xx, answers whose status, content type and body
# the document allows, no request left unanswered).
#
#   tests/openapi/run.sh
#
# Environment:
#   TESSERA_BIN             tessera binary (default: <repo>/target/release/tessera, built if missing)
#   TESSERA_OPENAPI_VENV    virtualenv to create or reuse (default: ~/.cache/tessera-openapi/venv)
#   PYTHON                  interpreter for the virtualenv (default: python3; needs 3.10 or later)
#   TESSERA_OPENAPI_EXAMPLES  Schemathesis cases per operation and phase (default: 25)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${TESSERA_OPENAPI_VENV:-$HOME/.cache/tessera-openapi/venv}
python=${PYTHON:-python3}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
examples=${TESSERA_OPENAPI_EXAMPLES:-25}
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
started=$SECONDS

# --- tools virtualenv ---------------------------------------------------------------------------
SCHEMATHESIS_VERSION=4.32.5
VALIDATOR_VERSION=0.9.0
installed() {
  "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true
}
if [ "$(installed schemathesis)" != "$SCHEMATHESIS_VERSION" ] \
   || [ "$(installed openapi-spec-validator)" != "$VALIDATOR_VERSION" ]; then
  echo "openapi: setting up the tools virtualenv in $venv"
  "$python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 10))' \
    || { echo "openapi: Schemathesis $SCHEMATHESIS_VERSION needs Python 3.10 or later; set PYTHON" >&2; exit 1; }
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$VALIDATOR_VERSION"
fi

# --- tessera binary -----------------------------------------------------------------------------
if [ ! -x "$bin" ]; then
  [ -z "${TESSERA_BIN:-}" ] || { echo "openapi: TESSERA_BIN=$TESSERA_BIN is not an executable" >&2; exit 1; }
  echo "openapi: building tessera-server (release)"
  (cd "$root" && cargo build --release -p tessera-server)
fi

# --- server -------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-openapi.XXXXXX")
pid=
status=1
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "===== server log"
    tail -n 200 "$work/server.log" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The demo users, default settings but three: the hooks log in once per logout case (no login rate
# limit), those sessions must not evict the shared one (no session limit), and the cases that try
# `admin` with a wrong password (Schemathesis reuses names it has seen in answers) must not lock
# the hooks out of their logins (no lockout).
mkdir -p "$work/data"
env -u TESSERA_BIN -u TESSERA_OPENAPI_VENV -u TESSERA_OPENAPI_EXAMPLES \
  TESSERA_RATE_LOGIN_PER_MINUTE=0 MAX_SESSION=0 TESSERA_LOCKOUT_THRESHOLD=0 \
  "$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
deadline=$((SECONDS + 30))
port=
while [ -z "$port" ]; do
  port=$(sed -n 's|^tessera listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/server.log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "openapi: tessera exited before listening" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "openapi: tessera printed no 'tessera listening on' line within 30 s" >&2; exit 1; }
  sleep 0.1
done
url=http://127.0.0.1:$port
echo "openapi: tessera listening on $url"

# --- the document -------------------------------------------------------------------------------
echo "== openapi-spec-validator $VALIDATOR_VERSION"
"$venv/bin/python" - "$url/api/v1/openapi.json" "$work/openapi.json" <<'PY'
import json, sys, urllib.request
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
    assert answer.headers.get_content_type() == "application/json", answer.headers
    doc = json.load(answer)
assert doc["openapi"].startswith("3.1."), doc["openapi"]
validate(doc, cls=OpenAPIV31SpecValidator)
json.dump(doc, open(sys.argv[2], "w"))
print(f"openapi: valid OpenAPI {doc['openapi']}, {len(doc['paths'])} paths")
PY

# --- Schemathesis -------------------------------------------------------------------------------
echo "== schemathesis $SCHEMATHESIS_VERSION ($examples cases per operation and phase)"
st_started=$SECONDS
TESSERA_URL=$url SCHEMATHESIS_HOOKS=hooks PYTHONPATH=$here \
  "$venv/bin/schemathesis" run "$url/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$examples" \
  --request-timeout 10 \
  --phases examples,coverage,fuzzing \
  --workers 1 \
  --seed 1
echo "openapi: schemathesis took $((SECONDS - st_started)) s"

status=0
echo "openapi: passed in $((SECONDS - started)) s"
