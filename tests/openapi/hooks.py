"""Schemathesis hooks for tessera: a valid bearer token on every case.

Every operation gets the access token of one session of the demo admin, logged in again
whenever a case has ended it (a session revoked from the list, "log out everywhere else").
`POST /api/v1/auth/logout` ends the session of its caller, so it gets a session of its own for
every case instead.

No case may take the hooks' own ground away: a path naming the user `admin` (or `me`) names
another user instead, made on demand (`fuzzed-person`), and `POST /api/v1/users/me/password`
runs in a session of that user, so the admin's password, role and account stay as they are.

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
OWN_PASSWORD = "/api/v1/users/me/password"
PERSON = "fuzzed-person"
PERSON_PASSWORD = "a passphrase no answer shows"
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


@schemathesis.auth(refresh_interval=None).apply_to(path=OWN_PASSWORD)
class PersonSession:
    """A session of the stand-in user for each case of a password change."""

    def get(self, case, context):
        return person_login()

    def set(self, case, data, context):
        bearer(case, data)


@schemathesis.auth(refresh_interval=None).skip_for(path=LOGOUT).skip_for(path=OWN_PASSWORD)
class SharedSession:
    """One session for every other case, logged in again once a case has ended it."""

    token = None

    def get(self, case, context):
        if SharedSession.token is None or not live(SharedSession.token):
            SharedSession.token = login()
        return SharedSession.token

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


def live(token: str) -> bool:
    answer = requests.post(
        f"{BASE}/api/v1/auth/token/validation",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return answer.status_code == 200


def person_login() -> str:
    """An access token of the stand-in user, made (again) as a case may have deleted, disabled
    or reset it."""

    def attempt():
        return requests.post(
            f"{BASE}/api/v1/auth/login",
            json={"username": PERSON, "password": PERSON_PASSWORD},
            timeout=10,
        )

    answer = attempt()
    if answer.status_code != 200:
        admin = {"Authorization": f"Bearer {login()}"}
        made = requests.post(
            f"{BASE}/api/v1/users",
            json={"username": PERSON, "fullname": "Fuzzed Person", "password": PERSON_PASSWORD},
            headers=admin,
            timeout=10,
        )
        if made.status_code == 409:
            reset = requests.post(
                f"{BASE}/api/v1/users/{PERSON}/password",
                json={"password": PERSON_PASSWORD, "must_change": False},
                headers=admin,
                timeout=10,
            )
            assert reset.status_code == 200, reset.text
            enabled = requests.patch(
                f"{BASE}/api/v1/users/{PERSON}",
                json={"disabled": False, "role": "reader"},
                headers=admin,
                timeout=10,
            )
            assert enabled.status_code == 200, enabled.text
        else:
            assert made.status_code == 201, made.text
        answer = attempt()
    answer.raise_for_status()
    return answer.json()["access_token"]


def stand_in(path_parameters):
    """`admin` or `me` in a path names the stand-in user, who exists."""
    if str(path_parameters.get("username", "")).strip().lower() in ("admin", "me"):
        person_login()
        path_parameters["username"] = PERSON
    return path_parameters


@schemathesis.hook
def before_call(context, case, **kwargs):
    # Every phase's cases pass here, the coverage phase's too (which skips the map hooks).
    if case.path_parameters:
        stand_in(case.path_parameters)
