# What the checks under tests/ that drive a real `tessera serve` share. A check sets `name` (the
# prefix of its messages) and sources this file after `set -euo pipefail`:
#
#   name=jwks
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
#
# It sets `here` (the check's folder), `root` (the repository), `python`, `bin` (the tessera
# binary) and `work` (a temporary folder, removed on exit with the server it started), and
# exports NO_PROXY for loopback. The check sets `status=0` once it has passed: until then, the
# exit shows the end of the server's log.
#
# Environment:
#   TESSERA_BIN   tessera binary (default: <repo>/target/release/tessera, built if missing)
#   PYTHON        interpreter for a virtualenv (default: python3)

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
bin=${TESSERA_BIN:-$root/target/release/tessera}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-$name.XXXXXX")
pid=
status=1
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
    echo "===== server log"
    tail -n 200 "$work/server.log"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ensure_venv VENV [--python-at-least X.Y] PIP_ARGUMENT...: makes the virtualenv VENV hold every
# package pinned as NAME==VERSION among the arguments: unless each is there at its version
# already, creates it (with an interpreter of at least X.Y) and installs them, the other
# arguments being pip's options.
ensure_venv() {
  local venv=$1 min=
  shift
  if [ "${1:-}" = --python-at-least ]; then min=$2; shift 2; fi
  venv_holds "$venv" "$@" && return 0
  echo "$name: setting up the virtualenv in $venv"
  if [ -n "$min" ]; then
    "$python" -c "import sys; sys.exit(sys.version_info[:2] < tuple(map(int, '$min'.split('.'))))" \
      || { echo "$name: the virtualenv needs Python $min or later; set PYTHON" >&2; exit 1; }
  fi
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "$@"
}

# venv_holds VENV ARGUMENT...: whether every NAME==VERSION among the arguments is installed in VENV.
venv_holds() {
  local venv=$1 arg
  shift
  for arg in "$@"; do
    case $arg in
      *==*) [ "$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('${arg%%==*}'))" 2>/dev/null)" = "${arg#*==}" ] || return 1 ;;
    esac
  done
}

# ensure_bin: builds the release binary when `bin` is missing (and not given by TESSERA_BIN).
ensure_bin() {
  if [ ! -x "$bin" ]; then
    [ -z "${TESSERA_BIN:-}" ] || { echo "$name: TESSERA_BIN=$TESSERA_BIN is not an executable" >&2; exit 1; }
    echo "$name: building tessera-server (release)"
    (cd "$root" && cargo build --release -p tessera-server)
  fi
}

# start_server [ENV_ARGUMENT...]: starts `tessera serve --demo` on a free loopback port with its
# data in $work/data and its log in $work/server.log, under `env` with these arguments (and
# without TESSERA_BIN); sets `pid` and `port` once it listens.
start_server() {
  mkdir -p "$work/data"
  env -u TESSERA_BIN "$@" \
    "$bin" serve --demo --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
  pid=$!
  port=
  local deadline=$((SECONDS + 30))
  while [ -z "$port" ]; do
    port=$(sed -n 's|^tessera listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/server.log" | head -n1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "$name: tessera exited before listening" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$name: tessera printed no 'tessera listening on' line within 30 s" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name: tessera listening on 127.0.0.1:$port"
}
