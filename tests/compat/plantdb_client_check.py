#!/usr/bin/env python3
"""Drive a running tessera server with the real PlantDB client (PyPI plantdb-client 0.17.0).

    plantdb_client_check.py --port PORT [--host 127.0.0.1] [--part main|expiry|import]

`main` expects a fresh `tessera serve --demo` (users admin/admin and guest/guest).
`expiry` expects one started with SESSION_TIMEOUT=1 TESSERA_JWT_LEEWAY=0 and checks
PlantDBClient's automatic refresh after its access token has expired.
`import` expects one whose users were imported from a PlantDB database written by
make_plantdb_users.py (`tessera user import --plantdb`), and logs them in with their PlantDB
passwords.

Prints one line per check and a closing `N passed, M failed`; exits 1 if any check failed.
"""
import argparse
import logging
import os
import secrets
import sys
import time
import traceback

# Route every plantdb logger into one logger that this script owns (see plantdb.commons.log).
os.environ["ROMI_APP_LOGGER"] = "plantdb-client"
os.environ.pop("PLANTDB_PREFIX", None)


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.levelname} {record.getMessage()}")


CLIENT_LOG = _Records()
HTTP_LOG = []  # responses seen by PlantDBClient sessions, shown when a check fails
_client_logger = logging.getLogger("plantdb-client")
_client_logger.addHandler(CLIENT_LOG)
_client_logger.setLevel(logging.DEBUG)
_client_logger.propagate = False

import requests  # noqa: E402
from plantdb.client.plantdb_client import PlantDBClient  # noqa: E402
from plantdb.client.rest_api.requests import (  # noqa: E402
    request_check_username,
    request_login,
    request_logout,
    request_new_user,
    request_token_refresh,
    request_token_validation,
)

HOST, PORT, BASE_URL = "127.0.0.1", None, None  # set from the command line
EXPIRY_WAIT = 10.0  # seconds to wait for a 1 s access token to be rejected


class Failed(AssertionError):
    pass


def expect(cond, msg):
    if not cond:
        raise Failed(msg)


def expect_http_error(status, fn, *args, **kwargs):
    """Call a plantdb.client request function that must fail with HTTP `status`; return the body."""
    try:
        result = fn(*args, **kwargs)
    except requests.HTTPError as e:
        resp = e.response
        expect(resp is not None, f"HTTPError without a response: {e}")
        expect(resp.status_code == status, f"expected HTTP {status}, got {resp.status_code}: {resp.text[:200]}")
        try:
            body = resp.json()
        except ValueError:
            raise Failed(f"HTTP {status} body is not JSON: {resp.text[:200]!r}") from None
        expect(isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"],
               f"error body lacks 'error': {body}")
        expect(isinstance(body.get("code"), str) and body["code"], f"error body lacks 'code': {body}")
        if status == 401:
            expect(resp.headers.get("WWW-Authenticate", "").lower().startswith("bearer"),
                   f"401 without a Bearer WWW-Authenticate header: {dict(resp.headers)}")
        return body
    raise Failed(f"expected HTTP {status}, but the call succeeded and returned {result!r}")


def token_rejected(token):
    """True when POST /auth/token/validation answers 401 for `token`."""
    try:
        request_token_validation(HOST, port=PORT, session_token=token)
    except requests.HTTPError as e:
        if e.response is not None and e.response.status_code == 401:
            return True
        raise
    return False


def wait_until_rejected(token, what):
    deadline = time.monotonic() + EXPIRY_WAIT
    while time.monotonic() < deadline:
        if token_rejected(token):
            return
        time.sleep(0.1)
    raise Failed(f"{what} was still accepted by token validation after {EXPIRY_WAIT:.0f} s")


def align_to_second():
    """Sleep to just past a whole second, so that a 1 s token issued now lives ~1 s."""
    time.sleep(1.02 - (time.time() % 1.0))


def new_client(**kwargs):
    """A PlantDBClient whose responses are recorded in HTTP_LOG."""
    c = PlantDBClient(BASE_URL, **kwargs)

    def record(resp, *args, **kw):
        req = resp.request
        HTTP_LOG.append(f"{req.method} {req.path_url} -> {resp.status_code} {resp.text[:200]}")

    c._session.hooks["response"].append(record)
    return c


def is_token(value):
    return isinstance(value, str) and len(value) >= 16


CHECKS = {"main": [], "expiry": [], "import": []}


def check(part, name):
    def deco(fn):
        CHECKS[part].append((name, fn))
        return fn
    return deco


# ---------------------------------------------------------------------------------------------
# main part: module-level request functions, then PlantDBClient
# ---------------------------------------------------------------------------------------------
S = {}  # state shared by consecutive checks


@check("main", "request_check_username(admin) -> exists")
def _():
    expect(request_check_username(HOST, "admin", port=PORT) is True, "admin reported as not existing")


@check("main", "request_check_username(guest) -> exists")
def _():
    expect(request_check_username(HOST, "guest", port=PORT) is True, "guest reported as not existing")


@check("main", "request_check_username(unknown user) -> does not exist")
def _():
    expect(request_check_username(HOST, "nobody-" + secrets.token_hex(4), port=PORT) is False,
           "unknown user reported as existing")


@check("main", "request_check_username(' ADMIN ') -> exists (usernames normalised)")
def _():
    expect(request_check_username(HOST, " ADMIN ", port=PORT) is True, "' ADMIN ' reported as not existing")


@check("main", "request_login(admin, admin)")
def _():
    r = request_login(HOST, "admin", "admin", port=PORT)
    expect(r.get("message") == "Login successful", f"message: {r.get('message')!r}")
    user = r.get("user") or {}
    expect(user.get("username") == "admin", f"user: {user}")
    expect(isinstance(user.get("fullname"), str) and user["fullname"], f"no fullname: {user}")
    expect(is_token(r.get("access_token")) and is_token(r.get("refresh_token")), f"tokens missing: {sorted(r)}")
    expect(r["access_token"] != r["refresh_token"], "access and refresh tokens are equal")
    S["admin"] = r


@check("main", "request_login(guest, wrong password) -> 401 Invalid credentials")
def _():
    body = expect_http_error(401, request_login, HOST, "guest", "not-the-password", port=PORT)
    expect(body["error"] == "Invalid credentials", f"error: {body['error']!r}")


@check("main", "request_login(unknown user) -> 401 Invalid credentials")
def _():
    body = expect_http_error(401, request_login, HOST, "nobody-" + secrets.token_hex(4), "x", port=PORT)
    expect(body["error"] == "Invalid credentials", f"error: {body['error']!r}")


@check("main", "request_login(guest, guest)")
def _():
    r = request_login(HOST, "guest", "guest", port=PORT)
    expect((r.get("user") or {}).get("username") == "guest", f"user: {r.get('user')}")
    expect(is_token(r.get("access_token")) and is_token(r.get("refresh_token")), f"tokens missing: {sorted(r)}")
    S["guest"] = r


@check("main", "request_token_validation(admin access token)")
def _():
    r = request_token_validation(HOST, port=PORT, session_token=S["admin"]["access_token"])
    expect(r.get("message") == "Token validation successful", f"message: {r.get('message')!r}")
    expect(r.get("user") == S["admin"]["user"], f"user {r.get('user')} != login user {S['admin']['user']}")


@check("main", "request_token_validation(guest access token)")
def _():
    r = request_token_validation(HOST, port=PORT, session_token=S["guest"]["access_token"])
    expect((r.get("user") or {}).get("username") == "guest", f"user: {r.get('user')}")


@check("main", "request_token_validation(garbage) -> 401")
def _():
    body = expect_http_error(401, request_token_validation, HOST, port=PORT, session_token="not-a-token")
    expect(body["error"].startswith("Token validation failed"), f"error: {body['error']!r}")


@check("main", "request_token_validation(refresh token as bearer) -> 401")
def _():
    expect_http_error(401, request_token_validation, HOST, port=PORT, session_token=S["admin"]["refresh_token"])


@check("main", "request_token_refresh(admin refresh token) rotates both tokens")
def _():
    old = S["admin"]
    r = request_token_refresh(HOST, port=PORT, refresh_token=old["refresh_token"])
    expect(r.get("message") == "Token refreshed successfully", f"message: {r.get('message')!r}")
    expect(is_token(r.get("access_token")) and is_token(r.get("refresh_token")), f"tokens missing: {sorted(r)}")
    expect(r["access_token"] != old["access_token"], "access token was not renewed")
    expect(r["refresh_token"] != old["refresh_token"], "refresh token was not rotated")
    S["admin_old"], S["admin"] = old, dict(old, **r)


@check("main", "request_token_validation(refreshed access token)")
def _():
    r = request_token_validation(HOST, port=PORT, session_token=S["admin"]["access_token"])
    expect((r.get("user") or {}).get("username") == "admin", f"user: {r.get('user')}")


@check("main", "request_token_refresh(access token as refresh token) -> 401")
def _():
    body = expect_http_error(401, request_token_refresh, HOST, port=PORT, refresh_token=S["admin"]["access_token"])
    expect(body["error"].startswith("Invalid or expired refresh token"), f"error: {body['error']!r}")


@check("main", "request_new_user(admin) creates a user")
def _():
    S["new_user"] = name = "compat-" + secrets.token_hex(4)
    S["new_pass"] = secrets.token_urlsafe(12)
    ok = request_new_user(HOST, name, S["new_pass"], "Compat User", port=PORT,
                          session_token=S["admin"]["access_token"])
    expect(ok is True, f"returned {ok!r}")
    expect(request_check_username(HOST, name, port=PORT) is True, "new user does not exist afterwards")


@check("main", "request_login(new user) returns its username and fullname")
def _():
    r = request_login(HOST, S["new_user"], S["new_pass"], port=PORT)
    expect(r.get("user") == {"username": S["new_user"], "fullname": "Compat User"}, f"user: {r.get('user')}")


@check("main", "request_new_user(existing username) -> 409")
def _():
    expect_http_error(409, request_new_user, HOST, S["new_user"], secrets.token_urlsafe(12), "Dup", port=PORT,
                      session_token=S["admin"]["access_token"])


@check("main", "request_new_user(as guest) -> 403")
def _():
    name = "compat-" + secrets.token_hex(4)
    expect_http_error(403, request_new_user, HOST, name, secrets.token_urlsafe(12), "Nope", port=PORT,
                      session_token=S["guest"]["access_token"])
    expect(request_check_username(HOST, name, port=PORT) is False, "user was created by a reader")


@check("main", "request_token_refresh(rotated refresh token) -> 401 and revokes the session")
def _():
    old = S["guest"]
    new = request_token_refresh(HOST, port=PORT, refresh_token=old["refresh_token"])
    expect(not token_rejected(new["access_token"]), "refreshed guest access token rejected")
    expect_http_error(401, request_token_refresh, HOST, port=PORT, refresh_token=old["refresh_token"])
    expect(token_rejected(new["access_token"]), "session's newest access token still valid after reuse")
    expect_http_error(401, request_token_refresh, HOST, port=PORT, refresh_token=new["refresh_token"])


@check("main", "request_logout(admin access token)")
def _():
    ok, msg = request_logout(HOST, port=PORT, session_token=S["admin"]["access_token"])
    expect(ok is True, f"ok={ok!r}")
    expect(msg == "Logout successful from admin", f"message: {msg!r}")


@check("main", "after logout: access token rejected, refresh token rejected")
def _():
    expect(token_rejected(S["admin"]["access_token"]), "access token still valid after logout")
    expect_http_error(401, request_token_refresh, HOST, port=PORT, refresh_token=S["admin"]["refresh_token"])


@check("main", "request_logout(already logged-out token) -> 401")
def _():
    body = expect_http_error(401, request_logout, HOST, port=PORT, session_token=S["admin"]["access_token"])
    expect(body["error"].startswith("Logout failed"), f"error: {body['error']!r}")


@check("main", "request_logout(refresh token) ends the whole session")
def _():
    r = request_login(HOST, "admin", "admin", port=PORT)
    expect(not token_rejected(r["access_token"]), "fresh access token rejected")
    ok, msg = request_logout(HOST, port=PORT, session_token=r["refresh_token"])
    expect(ok is True and msg == "Logout successful from admin", f"({ok!r}, {msg!r})")
    expect(token_rejected(r["access_token"]), "access token still valid after logout with the refresh token")


@check("main", "PlantDBClient.login(admin)")
def _():
    c = S["client"] = new_client()
    expect(c.login("admin", "admin") is True, "login returned False")
    expect(is_token(c._access_token) and is_token(c._refresh_token), "client holds no tokens")
    expect(c._username == "admin", f"client username {c._username!r}")


@check("main", "PlantDBClient.login(unknown user) -> False")
def _():
    c = new_client()
    expect(c.login("nobody-" + secrets.token_hex(4), "x") is False, "login returned True")
    expect(c._access_token is None, "client holds an access token")


@check("main", "PlantDBClient.validate_token(own access token)")
def _():
    c = S["client"]
    expect(c.validate_token(c._access_token) is True, "returned False")


@check("main", "PlantDBClient.validate_token(garbage) on a logged-out client -> False")
def _():
    expect(new_client().validate_token("not-a-token") is False, "returned True")


@check("main", "PlantDBClient.create_user(admin) creates a user that can log in")
def _():
    name, password = "compat-" + secrets.token_hex(4), secrets.token_urlsafe(12)
    expect(S["client"].create_user(name, password, "Compat Client User") is True, "returned False")
    r = request_login(HOST, name, password, port=PORT)
    expect(r.get("user") == {"username": name, "fullname": "Compat Client User"}, f"user: {r.get('user')}")


@check("main", "PlantDBClient.create_api_token(...) gives a token a new PlantDBClient accepts")
def _():
    from plantdb.commons.auth.models import Permission
    token = S["client"].create_api_token(3600, {"scan_*": (Permission.READ, Permission.WRITE)})
    expect(isinstance(token, str) and token.startswith("tsr_pat_"), f"token: {token!r}")
    new_client(api_token=token)  # validates the token; raises ValueError if it is refused
    expect(not token_rejected(token), "API token rejected")


@check("main", "PlantDBClient.logout() then its access token is rejected")
def _():
    c = S["client"]
    access, refresh = c._access_token, c._refresh_token
    expect(c.logout() is True, "logout returned False")
    expect(c._access_token is None and c._refresh_token is None, "client still holds tokens")
    expect(token_rejected(access), "access token still valid after PlantDBClient.logout()")
    expect(c.validate_token(access) is False, "validate_token(logged-out token) returned True")
    expect_http_error(401, request_token_refresh, HOST, port=PORT, refresh_token=refresh)


# ---------------------------------------------------------------------------------------------
# expiry part: server started with SESSION_TIMEOUT=1 TESSERA_JWT_LEEWAY=0
# ---------------------------------------------------------------------------------------------

def refreshed_since(mark):
    return any("Token refresh successful" in line for line in CLIENT_LOG.lines[mark:])


@check("expiry", "PlantDBClient.login(admin)")
def _():
    c = S["client"] = new_client()
    expect(c.login("admin", "admin") is True, "login returned False")
    expect(is_token(c._access_token) and is_token(c._refresh_token), "client holds no tokens")


@check("expiry", "access token expires (validation answers 401)")
def _():
    wait_until_rejected(S["client"]._access_token, "1 s access token")


@check("expiry", "PlantDBClient.create_user after expiry succeeds via automatic refresh")
def _():
    c = S["client"]
    old_access, old_refresh, mark = c._access_token, c._refresh_token, len(CLIENT_LOG.lines)
    name = S["new_user"] = "compat-" + secrets.token_hex(4)
    align_to_second()
    expect(c.create_user(name, secrets.token_urlsafe(12), "Compat Expiry User") is True, "returned False")
    expect(refreshed_since(mark), "the client did not refresh its tokens")
    expect(is_token(c._access_token) and c._access_token != old_access, "client holds no new access token")
    expect(is_token(c._refresh_token) and c._refresh_token != old_refresh, "client holds no new refresh token")
    expect(request_check_username(HOST, name, port=PORT) is True, "user does not exist afterwards")


@check("expiry", "PlantDBClient.create_user(existing username) -> False")
def _():
    expect(S["client"].create_user(S["new_user"], secrets.token_urlsafe(12), "Dup") is False, "returned True")


@check("expiry", "PlantDBClient.validate_token after expiry succeeds via automatic refresh")
def _():
    c = S["client"]
    wait_until_rejected(c._access_token, "refreshed 1 s access token")
    old_access, mark = c._access_token, len(CLIENT_LOG.lines)
    align_to_second()
    expect(c.validate_token(old_access) is True, "returned False")
    expect(refreshed_since(mark), "the client did not refresh its tokens")
    expect(is_token(c._access_token) and c._access_token != old_access, "client holds no new access token")


@check("expiry", "PlantDBClient.logout() after expiry")
def _():
    c = S["client"]
    wait_until_rejected(c._access_token, "refreshed 1 s access token")
    align_to_second()
    expect(c.logout() is True, "logout returned False")
    expect(c._access_token is None and c._refresh_token is None, "client still holds tokens")


# ---------------------------------------------------------------------------------------------
# import part: users of a PlantDB database (make_plantdb_users.py), imported with their hashes
# ---------------------------------------------------------------------------------------------
@check("import", "PlantDBClient.login(alice) with her PlantDB password")
def _():
    c = S["alice"] = new_client()
    expect(c.login("alice", "alice-plantdb-pw") is True, "login returned False")
    expect(c._username == "alice", f"client username {c._username!r}")
    expect(c.validate_token(c._access_token) is True, "her access token is not valid")


@check("import", "PlantDBClient.login(alice) again, once her hash was upgraded")
def _():
    expect(new_client().login("alice", "alice-plantdb-pw") is True, "login returned False")
    expect(new_client().login("alice", "not-her-password") is False, "a wrong password logged in")


@check("import", "bob (PlantDB contributor + admin) creates users; alice (contributor) cannot")
def _():
    bob = new_client()
    expect(bob.login("bob", "bob-plantdb-pw") is True, "login returned False")
    name = "compat-" + secrets.token_hex(4)
    expect(bob.create_user(name, secrets.token_urlsafe(12), "Compat Import User") is True, "returned False")
    other = "compat-" + secrets.token_hex(4)
    S["alice"].create_user(other, secrets.token_urlsafe(12), "Not Created")
    expect(request_check_username(HOST, other, port=PORT) is False, "a contributor created a user")


@check("import", "carol (deactivated in PlantDB) cannot log in; erin (locked there) can")
def _():
    expect(new_client().login("carol", "carol-plantdb-pw") is False, "carol logged in")
    expect(new_client().login("erin", "erin-plantdb-pw") is True, "erin could not log in")
    expect(new_client().login("dave", "dave-plantdb-pw") is True, "dave could not log in")


@check("import", "'me' and 'frank smith' were not imported")
def _():
    expect(request_check_username(HOST, "me", port=PORT) is False, "'me' exists")
    expect(new_client().login("frank smith", "frank-plantdb-pw") is False, "'frank smith' logged in")


def main():
    global HOST, PORT, BASE_URL
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--part", choices=sorted(CHECKS), default="main")
    args = ap.parse_args()
    HOST, PORT, BASE_URL = args.host, args.port, f"http://{args.host}:{args.port}"

    passed = failed = 0
    for name, fn in CHECKS[args.part]:
        mark, http_mark = len(CLIENT_LOG.lines), len(HTTP_LOG)
        try:
            fn()
        except Failed as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
        except Exception as e:  # an unexpected exception from the client is a failure too
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {name}", flush=True)
            continue
        for line in CLIENT_LOG.lines[mark:]:
            print(f"     plantdb.client: {line}", flush=True)
        for line in HTTP_LOG[http_mark:]:
            print(f"     http: {line}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
