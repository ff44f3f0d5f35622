#!/usr/bin/env bash
# The web page in a real browser: Debian's chromium driven through WebDriver (Debian's
# chromedriver, Python's selenium pinned below, in a virtualenv under ~/.cache/tessera-web),
# with axe-core (npm, pinned in package.json, kept in the same place) on every page.
#
#   tests/web/run.sh
#
# Run A: `tessera serve --demo` over plain HTTP on loopback: every scenario of browser_check.py;
#        the expired session on a second server whose sessions last 3 seconds.
# Run B: the same server over HTTPS (a certificate made for the run): logging in and out, and
#        the cookies `Secure` and `__Host-` prefixed.
# Screenshots of every page (desktop and 360 px) go to target/web-check/.
#
# Environment:
#   TESSERA_BIN          tessera binary (default: <repo>/target/release/tessera, built if missing)
#   TESSERA_WEB_CACHE    where the virtualenv and axe-core are kept (default: ~/.cache/tessera-web)
#   CHROMIUM             the browser (default: /usr/bin/chromium; installed with apt-get if missing)
#   CHROMEDRIVER         its WebDriver (default: /usr/bin/chromedriver; installed likewise)
#   PYTHON               interpreter for the virtualenv (default: python3; 3.9 or later)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${TESSERA_WEB_CACHE:-$HOME/.cache/tessera-web}
venv=$cache/venv
python=${PYTHON:-python3}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
# selenium finds the driver given to it: its own driver manager must fetch nothing.
export SE_OFFLINE=true

# --- the browser, its driver and the packages (missing ones are installed, never skipped) -------
if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  echo "web: installing chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
[ -x "$CHROMIUM" ] || { echo "web: no browser at $CHROMIUM" >&2; exit 1; }
[ -x "$CHROMEDRIVER" ] || { echo "web: no chromedriver at $CHROMEDRIVER" >&2; exit 1; }
SELENIUM_VERSION=4.51.0
installed() {
  "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true
}
if [ "$(installed selenium)" != "$SELENIUM_VERSION" ]; then
  echo "web: setting up selenium $SELENIUM_VERSION in $venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "selenium==$SELENIUM_VERSION"
fi
if ! cmp -s "$here/package.json" "$cache/package.json" || [ ! -f "$cache/node_modules/axe-core/axe.min.js" ]; then
  echo "web: installing axe-core in $cache"
  mkdir -p "$cache"
  rm -rf "$cache/node_modules" "$cache/package-lock.json"
  cp "$here/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error)
fi
axe=$cache/node_modules/axe-core/axe.min.js

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
  env -u TESSERA_BIN -u TESSERA_WEB_CACHE "$@" "$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
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

check() { "$venv/bin/python" "$here/browser_check.py" --axe "$axe" --out "$out" "$@"; }

echo "== run A: plain HTTP on loopback"
start_server run-a http
run_a=$url
# Sessions that end 3 s after their login (access tokens 1 s, no leeway): an expired session
# without a clock to move.
start_server run-a-expiry http SESSION_TIMEOUT=1 TESSERA_SESSION_ABSOLUTE_SECONDS=3 TESSERA_JWT_LEEWAY=0
check --url "$run_a" --expiry-url "$url"

echo "== run B: HTTPS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_server run-b https TESSERA_TLS_CERT="$work/cert.pem" TESSERA_TLS_KEY="$work/key.pem"
check --url "$url" --https

status=0
echo "web: screenshots in $out"
