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

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${TESSERA_OAUTH_VENV:-$HOME/.cache/tessera-oauth/venv}
python=${PYTHON:-python3}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

AUTHLIB_VERSION=1.9.6
REQUESTS_VERSION=2.32.5
installed() {
  "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true
}
if [ "$(installed authlib)" != "$AUTHLIB_VERSION" ] || [ "$(installed requests)" != "$REQUESTS_VERSION" ]; then
  echo "oauth: setting up the client virtualenv in $venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "authlib==$AUTHLIB_VERSION" "requests==$REQUESTS_VERSION"
fi

if [ ! -x "$bin" ]; then
  [ -z "${TESSERA_BIN:-}" ] || { echo "oauth: TESSERA_BIN=$TESSERA_BIN is not an executable" >&2; exit 1; }
  echo "oauth: building tessera-server (release)"
  (cd "$root" && cargo build --release -p tessera-server)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-oauth.XXXXXX")
pid=
status=1
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "===== server log"
    tail -n 100 "$work/server.log" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$work/data"
env -u TESSERA_BIN -u TESSERA_OAUTH_VENV TESSERA_OAUTH_PASSWORD_GRANT=true \
  "$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
deadline=$((SECONDS + 30))
port=
while [ -z "$port" ]; do
  port=$(sed -n 's|^tessera listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/server.log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "oauth: tessera exited before listening" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "oauth: tessera printed no 'tessera listening on' line within 30 s" >&2; exit 1; }
  sleep 0.1
done
echo "oauth: tessera listening on 127.0.0.1:$port"

"$venv/bin/python" "$here/authlib_check.py" --port "$port"
status=0
