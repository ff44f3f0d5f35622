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

name=openapi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
venv=${TESSERA_OPENAPI_VENV:-$HOME/.cache/tessera-openapi/venv}
examples=${TESSERA_OPENAPI_EXAMPLES:-25}
started=$SECONDS

# --- tools virtualenv ---------------------------------------------------------------------------
SCHEMATHESIS_VERSION=4.32.5
VALIDATOR_VERSION=0.9.0
ensure_venv "$venv" --python-at-least 3.10 \
  "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$VALIDATOR_VERSION"
ensure_bin

# --- server -------------------------------------------------------------------------------------
# The demo users, default settings but three: the hooks log in once per logout case (no login rate
# limit), those sessions must not evict the shared one (no session limit), and the cases that try
# `admin` with a wrong password (Schemathesis reuses names it has seen in answers) must not lock
# the hooks out of their logins (no lockout).
start_server -u TESSERA_OPENAPI_VENV -u TESSERA_OPENAPI_EXAMPLES \
  TESSERA_RATE_LOGIN_PER_MINUTE=0 MAX_SESSION=0 TESSERA_LOCKOUT_THRESHOLD=0
url=http://127.0.0.1:$port

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
