"""Schemathesis hooks for tessera: a valid bearer token on every case.

Every operation gets the access token of one session of the demo admin, logged in once
(and again whenever an answer is 401). `POST /api/v1/auth/logout` ends the session of its
caller, so it gets a session of its own for every case instead.

Three cases in four of an operation on a resource (`/api/v1/resources/{name}/...`) names a
resource that exists, and one of a resource token (`.../tokens/{id}`) a token of it made for
the case, so that the fuzzer reaches past the 404 of an unknown name into the handler.
"""

import itertools

import os

import requests
import schemathesis

BASE = os.environ["TESSERA_URL"]
LOGOUT = "/api/v1/auth/logout"
RESOURCE = "fuzzed-plugin"


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


def seeded_resource() -> str:
    """The resource the cases name, with admin among its maintainers (a 409: already so)."""
    answer = requests.post(
        f"{BASE}/api/v1/resources",
        json={"name": RESOURCE, "maintainers": ["admin"]},
        headers={"Authorization": f"Bearer {login()}"},
        timeout=10,
    )
    assert answer.status_code in (201, 409), answer.text
    # A case may have removed admin from its maintainers: put it back.
    answer = requests.post(
        f"{BASE}/api/v1/resources/{RESOURCE}/maintainers",
        json={"username": "admin"},
        headers={"Authorization": f"Bearer {login()}"},
        timeout=10,
    )
    assert answer.status_code in (200, 201, 409), answer.text
    return RESOURCE


def resource_token() -> str:
    """The id of a new token of the seeded resource."""
    answer = requests.post(
        f"{BASE}/api/v1/resources/{seeded_resource()}/tokens",
        json={"description": "fuzzed", "scopes": ["read"]},
        headers={"Authorization": f"Bearer {login()}"},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["id"]


_turn = itertools.count()


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters or "name" not in path_parameters:
        return path_parameters
    if next(_turn) % 4 == 3:
        return path_parameters
    path_parameters["name"] = seeded_resource()
    if "id" in path_parameters:
        path_parameters["id"] = resource_token()
    return path_parameters
