#!/usr/bin/env bash
# Third-party OAuth 2.0 client check: drives a real `tessera serve` (with the password grant
# switched on) with Authlib's requests client (authlib 1.9.6).
#
#   tests/oauth/run.sh
#
# Environment:
#   TESSERA_BIN          tessera binary (default: <repo>/target/release/tessera, built if missing)
#   TESSERA_OAUTH_VENV   virtualenv to create or reuse (default: ~/.cache/tessera-oauth/venv)
#   PYTHON               interpreter for the virtualenv (default: python3; 3.9 or later)
set -euo pipefail

name=oauth
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
venv=${TESSERA_OAUTH_VENV:-$HOME/.cache/tessera-oauth/venv}

ensure_venv "$venv" "authlib==1.9.6" "requests==2.32.5"
ensure_bin
start_server -u TESSERA_OAUTH_VENV TESSERA_OAUTH_PASSWORD_GRANT=true

"$venv/bin/python" "$here/authlib_check.py" --port "$port"
status=0
