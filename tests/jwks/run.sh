#!/usr/bin/env bash
# JWKS check: PyJWT's PyJWKClient (PyJWT 2.10.1, with cryptography for Ed25519) verifies the
# access tokens of a real `tessera serve` offline from /.well-known/jwks.json, before and after
# `tessera keys rotate`.
#
#   tests/jwks/run.sh
#
# Environment:
#   TESSERA_BIN         tessera binary (default: <repo>/target/release/tessera, built if missing)
#   TESSERA_JWKS_VENV   virtualenv to create or reuse (default: ~/.cache/tessera-jwks/venv)
#   PYTHON              interpreter for the virtualenv (default: python3)
set -euo pipefail

name=jwks
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
venv=${TESSERA_JWKS_VENV:-$HOME/.cache/tessera-jwks/venv}

ensure_venv "$venv" --only-binary=:all: "PyJWT==2.10.1" "cryptography==44.0.3"
ensure_bin

# A new installation (Ed25519); a rotated key signs at once (no JWKS max-age to wait out), and
# the server reads key changes from its database every 200 ms.
export TESSERA_JWKS_MAX_AGE_SECONDS=0 TESSERA_REVOCATION_POLL_MS=200
start_server -u TESSERA_JWKS_VENV

"$venv/bin/python" "$here/check.py" --port "$port" \
  --rotate "env -u TESSERA_BIN -u TESSERA_JWKS_VENV $bin keys --data-dir $work/data rotate"
status=0
