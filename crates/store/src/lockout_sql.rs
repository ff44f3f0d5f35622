//! The statements of smart lockout, alike on both backends: written with SQLite's `?N`
//! parameters, which [`pg`] turns into PostgreSQL's `$N`.

/// Counts one failure in a row with `failed_logins` and `locked_until`: a lock that has run out
/// starts the count afresh, and reaching the threshold (`?3`, 0 = never) locks until now (`?2`)
/// plus `?4` seconds. Every SET expression sees the row as it was before the statement.
macro_rules! count_failure {
    () => {
        "failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1
                              ELSE failed_logins + 1 END,
         locked_until = CASE
             WHEN ?3 > 0 AND (CASE WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN 1
                                   ELSE failed_logins + 1 END) >= ?3 THEN ?2 + ?4
             WHEN locked_until IS NOT NULL AND locked_until <= ?2 THEN NULL
             ELSE locked_until END"
    };
}

/// Not locked at `?2`.
macro_rules! unlocked {
    () => {
        "(locked_until IS NULL OR locked_until <= ?2)"
    };
}

/// The hourly tally of unfamiliar failures started `?6` seconds or more before `?2` (or never).
macro_rules! hour_over {
    () => {
        "(unfamiliar_since IS NULL OR unfamiliar_since + ?6 <= ?2)"
    };
}

/// `?1` user, `?2` now, `?3` threshold, `?4` lock seconds, `?5` ceiling (0 = none), `?6` its
/// window: counts a failure against the account, unless it is locked or at the ceiling.
pub(crate) const RESERVE_ACCOUNT: &str = concat!(
    "UPDATE users SET ",
    count_failure!(),
    ", unfamiliar_failures = CASE WHEN ",
    hour_over!(),
    " THEN 1 ELSE unfamiliar_failures + 1 END, unfamiliar_since = CASE WHEN ",
    hour_over!(),
    " THEN ?2 ELSE unfamiliar_since END WHERE username = ?1 AND ",
    unlocked!(),
    " AND (?5 = 0 OR ",
    hour_over!(),
    " OR unfamiliar_failures < ?5)"
);

/// `?1` user, `?2` now, `?3` threshold, `?4` lock seconds, `?5` client, `?6` familiar since:
/// counts a failure against a familiar client, unless it is locked.
pub(crate) const RESERVE_CLIENT: &str = concat!(
    "UPDATE familiar_clients SET ",
    count_failure!(),
    " WHERE username = ?1 AND client = ?5 AND last_success_at >= ?6 AND ",
    unlocked!()
);

/// `?1` user: a login from an unfamiliar client succeeded.
pub(crate) const SUCCESS_ACCOUNT: &str = "UPDATE users SET failed_logins = 0, locked_until = NULL,
         unfamiliar_failures = CASE WHEN unfamiliar_failures > 0 THEN unfamiliar_failures - 1
                                    ELSE 0 END
     WHERE username = ?1";

/// `?1` user, `?2` client, `?3` now: the client is familiar, its count cleared.
pub(crate) const MAKE_FAMILIAR: &str =
    "INSERT INTO familiar_clients (username, client, last_success_at)
     SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM users WHERE username = ?1)
     ON CONFLICT (username, client) DO UPDATE
         SET last_success_at = excluded.last_success_at, failed_logins = 0, locked_until = NULL";

/// `?1` user, `?2` familiar since.
pub(crate) const FORGET_STALE: &str =
    "DELETE FROM familiar_clients WHERE username = ?1 AND last_success_at < ?2";

/// `?1` familiar since.
pub(crate) const FORGET_ALL_STALE: &str = "DELETE FROM familiar_clients WHERE last_success_at < ?1";

/// `?1` user, `?2` client, `?3` familiar since.
pub(crate) const FAMILIAR: &str =
    "SELECT client, last_success_at, failed_logins, locked_until FROM familiar_clients
     WHERE username = ?1 AND client = ?2 AND last_success_at >= ?3";

/// `?1` user.
pub(crate) const CLEAR_ACCOUNT: &str =
    "UPDATE users SET failed_logins = 0, locked_until = NULL, unfamiliar_failures = 0,
         unfamiliar_since = NULL
     WHERE username = ?1";

/// `?1` user.
pub(crate) const CLEAR_CLIENTS: &str =
    "UPDATE familiar_clients SET failed_logins = 0, locked_until = NULL WHERE username = ?1";

/// The statement with PostgreSQL's parameters.
pub(crate) fn pg(sql: &str) -> String {
    sql.replace('?', "$")
}
