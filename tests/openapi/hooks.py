"""Schemathesis hooks for tessera: a valid bearer token on every case.

Every operation gets the access token of one session of the demo admin, logged in once
(and again whenever an answer is 401). `POST /api/v1/auth/logout` ends the session of its
caller, so it gets a session of its own for every case instead.
"""

import os

import requests
import schemathesis

BASE = os.environ["TESSERA_URL"]
LOGOUT = "/api/v1/auth/logout"


def login() -> str:
    answer = requests.post(
        f"{BASE}/api/v1/auth/login",
        json={"username": "admin", "password": "admin"},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


def bearer(case, token: str) -> None:
    case.headers = case.headers or {}
    case.headers["Authorization"] = f"Bearer {token}"


@schemathesis.auth(refresh_interval=None).apply_to(path=LOGOUT)
class FreshSession:
    """A new session per case: the case ends it."""

    def get(self, case, context):
        return login()

    def set(self, case, data, context):
        bearer(case, data)


@schemathesis.auth().skip_for(path=LOGOUT)
class SharedSession:
    """One session for every other case, logged in again after a 401."""

    def get(self, case, context):
        return login()

    def set(self, case, data, context):
        bearer(case, data)
