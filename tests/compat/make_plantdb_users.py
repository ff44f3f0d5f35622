"""Writes the users.json and groups.json of a PlantDB database with PlantDB's own code
(plantdb-commons 0.17.0, `plantdb.commons.auth`), as `tessera user import --plantdb` reads them.

    python make_plantdb_users.py DB_DIR [--malformed DIR]

DB_DIR gets users.json and groups.json, made the way a PlantDB server makes them (its FSDB
hands both files to an RBACManager, which adds `admin`/`admin` and `guest`/`guest`), then:

    alice        Alice Martin   alice-plantdb-pw   reader + contributor, in group "lab"
    bob          Bob Durand     bob-plantdb-pw     contributor + admin, in groups "lab", "field"
    carol        Carol Petit    carol-plantdb-pw   reader, deactivated
    dave         Dave Moreau    dave-plantdb-pw    reader with the extra permission "delete"
    erin         Erin Leroy     erin-plantdb-pw    contributor, locked out by 3 failed logins
    me           Me Myself      me-plantdb-pw      reader (a name tessera reserves)
    frank smith  Frank Smith    frank-plantdb-pw   reader (a name tessera does not accept)

With --malformed DIR, DIR gets the same users.json cut off half-way (not JSON any more).

The committed fixtures (crates/server/tests/fixtures/plantdb/) were written by this script;
tests/compat/run.sh runs it again for a database written at test time.
"""

import argparse
from pathlib import Path

from plantdb.commons.auth.models import Permission, Role
from plantdb.commons.auth.rbac import RBACManager

USERS = [
    # username, fullname, password, roles
    ("alice", "Alice Martin", "alice-plantdb-pw", {Role.READER, Role.CONTRIBUTOR}),
    ("bob", "Bob Durand", "bob-plantdb-pw", {Role.CONTRIBUTOR, Role.ADMIN}),
    ("carol", "Carol Petit", "carol-plantdb-pw", {Role.READER}),
    ("dave", "Dave Moreau", "dave-plantdb-pw", {Role.READER}),
    ("erin", "Erin Leroy", "erin-plantdb-pw", {Role.CONTRIBUTOR}),
    ("me", "Me Myself", "me-plantdb-pw", {Role.READER}),
    ("frank smith", "Frank Smith", "frank-plantdb-pw", {Role.READER}),
]


def write(db: Path) -> None:
    db.mkdir(parents=True, exist_ok=True)
    users_file, groups_file = db / "users.json", db / "groups.json"
    # As plantdb.commons.fsdb.core.FSDB does: empty files first, then the manager.
    users_file.touch(exist_ok=True)
    groups_file.touch(exist_ok=True)
    rbac = RBACManager(users_file, groups_file)
    admin = rbac.users.get_user("admin")
    for username, fullname, password, roles in USERS:
        rbac.create_user(admin, username, fullname, password, roles=roles)
    rbac.deactivate(admin, "carol")
    dave = rbac.users.get_user("dave")
    dave.grant_permission(Permission.DELETE)
    rbac.users._save_users()
    for _ in range(3):
        assert not rbac.users.validate("erin", "not-erins-password")
    assert rbac.users.is_locked_out("erin")
    rbac.create_group(admin, "lab", users={"alice", "bob"}, description="Plant lab")
    rbac.create_group(admin, "field", users={"bob"})
    # The passwords are PlantDB's: its own check accepts them.
    assert rbac.users.validate("alice", "alice-plantdb-pw")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--malformed", type=Path)
    args = parser.parse_args()
    write(args.db)
    if args.malformed:
        args.malformed.mkdir(parents=True, exist_ok=True)
        text = (args.db / "users.json").read_text()
        (args.malformed / "users.json").write_text(text[: len(text) // 2])
    print(f"PlantDB users written to {args.db}")


if __name__ == "__main__":
    main()
