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

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${TESSERA_JWKS_VENV:-$HOME/.cache/tessera-jwks/venv}
python=${PYTHON:-python3}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

pyjwt=2.10.1
cryptography=44.0.3
if [ "$("$venv/bin/python" -c 'import importlib.metadata as m, cryptography.hazmat.primitives.asymmetric.ed25519; print(m.version("PyJWT"), m.version("cryptography"))' 2>/dev/null)" != "$pyjwt $cryptography" ]; then
  echo "jwks: setting up the PyJWT virtualenv in $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --only-binary=:all: \
    "PyJWT==$pyjwt" "cryptography==$cryptography"
fi

if [ ! -x "$bin" ]; then
  [ -z "${TESSERA_BIN:-}" ] || { echo "jwks: TESSERA_BIN=$TESSERA_BIN is not an executable" >&2; exit 1; }
  echo "jwks: building tessera-server (release)"
  (cd "$root" && cargo build --release -p tessera-server)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-jwks.XXXXXX")
pid=
status=1
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then echo "===== server log"; cat "$work/server.log" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A new installation (Ed25519); a rotated key signs at once (no JWKS max-age to wait out), and
# the server reads key changes from its database every 200 ms.
export TESSERA_JWKS_MAX_AGE_SECONDS=0 TESSERA_REVOCATION_POLL_MS=200
data=$work/data
mkdir -p "$data"
: >"$work/server.log"
"$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$data" >"$work/server.log" 2>&1 &
pid=$!
port=
deadline=$((SECONDS + 30))
while [ -z "$port" ]; do
  port=$(sed -n 's|^tessera listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/server.log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "jwks: tessera exited before listening" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "jwks: tessera is not listening after 30 s" >&2; exit 1; }
  sleep 0.1
done
echo "jwks: tessera listening on 127.0.0.1:$port"

rc=0
"$venv/bin/python" "$here/check.py" --port "$port" \
  --rotate "env -u TESSERA_BIN -u TESSERA_JWKS_VENV $bin keys --data-dir $data rotate" || rc=$?
[ "$rc" -eq 0 ] && status=0
exit "$status"
