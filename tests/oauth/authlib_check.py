"""Drives tessera's OAuth 2.0 endpoints with Authlib's requests client (a client nobody here
wrote): client_credentials (HTTP Basic and client_secret_post), password (the server runs with
the grant switched on), refresh_token, introspect_token and revoke_token.

    authlib_check.py --port PORT

Prints one line per check and "N passed, M failed" last; exits non-zero on any failure.
"""

import argparse
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    base = f"http://127.0.0.1:{port}"
    token_url = f"{base}/oauth2/token"
    introspect_url = f"{base}/oauth2/introspect"
    revoke_url = f"{base}/oauth2/revoke"

    # An admin makes the service client over the API.
    login = requests.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": "admin"}, timeout=10)
    admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
    made = requests.post(
        f"{base}/api/v1/clients",
        json={"name": "authlib", "scopes": ["read", "write"], "rights": ["introspect"]},
        headers=admin,
        timeout=10,
    ).json()
    client_id, secret = made["client_id"], made["client_secret"]

    meta = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    check("metadata names the endpoints", meta["token_endpoint"] == token_url and meta["revocation_endpoint"] == revoke_url, meta)
    check("metadata lists the password grant when on", "password" in meta["grant_types_supported"], meta)

    # client_credentials, HTTP Basic (Authlib's default).
    service = OAuth2Session(client_id, secret, scope="read")
    token = service.fetch_token(token_url, grant_type="client_credentials")
    check("client_credentials (client_secret_basic)", token.get("token_type") == "Bearer" and token.get("scope") == "read", token)
    valid = requests.post(
        f"{base}/api/v1/auth/token/validation",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    ).json()
    check("the client token validates as kind client", valid.get("kind") == "client" and valid.get("actor") == f"client:{client_id}", valid)

    # client_credentials, client_secret_post.
    posted = OAuth2Session(client_id, secret, token_endpoint_auth_method="client_secret_post")
    token2 = posted.fetch_token(token_url, grant_type="client_credentials")
    check("client_credentials (client_secret_post)", token2.get("scope") == "read write", token2)

    # A wrong secret and a scope the client lacks are refused as RFC 6749 says.
    try:
        OAuth2Session(client_id, "tsr_cs_wrong").fetch_token(token_url, grant_type="client_credentials")
        check("a wrong secret is invalid_client", False, "no error")
    except OAuthError as e:
        check("a wrong secret is invalid_client", e.error == "invalid_client", e.error)
    try:
        OAuth2Session(client_id, secret, scope="admin").fetch_token(token_url, grant_type="client_credentials")
        check("a foreign scope is invalid_scope", False, "no error")
    except OAuthError as e:
        check("a foreign scope is invalid_scope", e.error == "invalid_scope", e.error)

    # Introspection, as a client with the introspect right.
    seen = service.introspect_token(introspect_url, token=token["access_token"]).json()
    check("introspect_token: a live client token", seen.get("active") is True and seen.get("client_id") == client_id, seen)

    # password, then refresh_token.
    user = OAuth2Session(client_id, secret)
    pair = user.fetch_token(token_url, username="guest", password="guest")
    check("password grant", "refresh_token" in pair and pair.get("token_type") == "Bearer", pair)
    rotated = user.refresh_token(token_url, refresh_token=pair["refresh_token"])
    check("refresh_token rotates", rotated.get("refresh_token") not in (None, pair["refresh_token"]), rotated)
    seen = service.introspect_token(introspect_url, token=rotated["access_token"]).json()
    check("introspect_token: a user's access token", seen.get("active") is True and seen.get("username") == "guest", seen)
    try:
        OAuth2Session(client_id, secret).fetch_token(token_url, username="guest", password="wrong")
        check("a wrong password is invalid_grant", False, "no error")
    except OAuthError as e:
        check("a wrong password is invalid_grant", e.error == "invalid_grant", e.error)

    # Revocation: the session ends, and introspection says so.
    answer = user.revoke_token(revoke_url, token=rotated["refresh_token"], token_type_hint="refresh_token")
    check("revoke_token answers 200", answer.status_code == 200, answer.status_code)
    seen = service.introspect_token(introspect_url, token=rotated["access_token"]).json()
    check("a revoked session's token is inactive", seen == {"active": False}, seen)
    answer = service.revoke_token(revoke_url, token="tsr_rt_unknown")
    check("revoking an unknown token answers 200", answer.status_code == 200, answer.status_code)
    service.revoke_token(revoke_url, token=token["access_token"])
    seen = service.introspect_token(introspect_url, token=token["access_token"]).json()
    check("a revoked client token is inactive", seen == {"active": False}, seen)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
