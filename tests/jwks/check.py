"""PyJWT's PyJWKClient verifies tessera's access tokens offline from its JWKS, before and after a
key rotation. Prints 'N passed, N failed' and exits non-zero on any failure.

    check.py --port PORT --rotate 'COMMAND...'

COMMAND rotates the server's signing key (`tessera keys rotate` on its data directory).
"""

import argparse
import json
import shlex
import subprocess
import sys
import time
import urllib.request

import jwt
from jwt import PyJWKClient

passed = 0
failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")
    else:
        passed += 1
        print(f"ok   {name}")


def post(base, path, body):
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def login(base):
    return post(base, "/api/v1/auth/login", {"username": "admin", "password": "admin"})["access_token"]


def verify(client, token):
    key = client.get_signing_key_from_jwt(token)
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "at+jwt", header
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["EdDSA"],
        audience="tessera-client",
        issuer="tessera",
        options={"require": ["exp", "iat", "nbf", "sub", "aud", "iss"]},
    )
    assert claims["sub"] == "admin", claims
    return header["kid"]


def kids(base):
    with urllib.request.urlopen(base + "/.well-known/jwks.json", timeout=10) as resp:
        assert "max-age=" in resp.headers["Cache-Control"], resp.headers["Cache-Control"]
        return [k["kid"] for k in json.load(resp)["keys"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rotate", required=True)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    client = PyJWKClient(base + "/.well-known/jwks.json", cache_keys=True)
    state = {}

    def before():
        state["old"] = login(base)
        state["old_kid"] = verify(client, state["old"])
        assert kids(base) == [state["old_kid"]]

    def refuses_other_algorithms():
        forged = jwt.encode({"sub": "admin"}, "secret", algorithm="HS512", headers={"kid": state["old_kid"], "typ": "at+jwt"})
        try:
            verify(client, forged)
        except jwt.exceptions.InvalidAlgorithmError:
            return
        raise AssertionError("an HS512 token was accepted")

    def rotate():
        subprocess.run(shlex.split(args.rotate), check=True, stdout=subprocess.DEVNULL)
        # The server reads the new key from its database at its next catch-up poll.
        deadline = time.monotonic() + 10
        while len(kids(base)) < 2:
            assert time.monotonic() < deadline, "the new key was not published within 10 s"
            time.sleep(0.1)

    def after():
        # A key added in the second the first one was starts signing a second later.
        deadline = time.monotonic() + 10
        while True:
            new = login(base)
            new_kid = verify(client, new)
            if new_kid != state["old_kid"]:
                break
            assert time.monotonic() < deadline, "not signed with the new key within 10 s"
            time.sleep(0.1)
        assert verify(client, state["old"]) == state["old_kid"], "the old key still verifies"

    check("an access token verifies offline from the JWKS", before)
    check("an HS512 token naming the published key is refused", refuses_other_algorithms)
    check("tessera keys rotate publishes a second key", rotate)
    check("after the rotation, new and old tokens verify with the same PyJWKClient", after)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
