#!/usr/bin/env bash
# The web page in a real browser: Debian's chromium, driven by playwright-core (npm, pinned in
# package.json, kept under ~/.cache/tessera-web), with axe-core for accessibility.
#
#   tests/web/run.sh
#
# Run A: `tessera serve --demo` over plain HTTP on loopback: every scenario of browser_check.mjs.
# Run B: the same server over HTTPS (a certificate made for the run): logging in and out, and
#        the cookies `Secure` and `__Host-` prefixed.
# Screenshots of every page (desktop and 360 px) go to target/web-check/.
#
# Environment:
#   TESSERA_BIN          tessera binary (default: <repo>/target/release/tessera, built if missing)
#   TESSERA_WEB_CACHE    where the npm packages are installed (default: ~/.cache/tessera-web)
#   CHROMIUM             the browser (default: /usr/bin/chromium; installed with apt-get if missing)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${TESSERA_WEB_CACHE:-$HOME/.cache/tessera-web}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

# --- the browser and the packages (a missing browser is installed, never skipped) ---------------
if [ ! -x "$CHROMIUM" ]; then
  echo "web: installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
[ -x "$CHROMIUM" ] || { echo "web: no browser at $CHROMIUM" >&2; exit 1; }
if ! cmp -s "$here/package.json" "$cache/package.json" || [ ! -d "$cache/node_modules/playwright-core" ] \
   || [ ! -d "$cache/node_modules/axe-core" ]; then
  echo "web: installing playwright-core and axe-core in $cache"
  mkdir -p "$cache"
  cp "$here/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error)
fi
export WEB_CHECK_MODULES=$cache/node_modules

if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release -p tessera-server)
fi

# --- servers -------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-web.XXXXXX")
out=$root/target/web-check
rm -rf "$out"
pids=()
logs=()
status=1
cleanup() {
  local pid log
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for log in "${logs[@]}"; do echo "===== server log: $log"; cat "$log" 2>/dev/null || true; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME SCHEME [VAR=VALUE...]: starts tessera on $work/NAME-data, sets $url.
start_server() {
  local name=$1 scheme=$2
  shift 2
  local data=$work/$name-data log=$work/$name.log
  logs+=("$log")
  env "$@" "$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  url=
  for _ in $(seq 1 200); do
    url=$(sed -n "s|^.*tessera listening on \($scheme://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p" "$log" | head -n1)
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then echo "web: tessera ($name) did not start" >&2; cat "$log" >&2; exit 1; fi
    sleep 0.1
  done
  [ -n "$url" ] || { echo "web: tessera ($name) does not say where it listens" >&2; cat "$log" >&2; exit 1; }
  echo "web: tessera ($name) at $url"
}

echo "== run A: plain HTTP on loopback"
start_server run-a http
node "$here/browser_check.mjs" --url "$url" --out "$out"

echo "== run B: HTTPS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_server run-b https TESSERA_TLS_CERT="$work/cert.pem" TESSERA_TLS_KEY="$work/key.pem"
node "$here/browser_check.mjs" --url "$url" --out "$out" --https

status=0
echo "web: screenshots in $out"
