//! `tessera user import --plantdb DB_DIR`: the users of a PlantDB database, with the password
//! hashes PlantDB stored (so they log in with their PlantDB passwords).
//!
//! Everything is read and checked first; a file PlantDB could not load changes nothing. Then
//! the users are created in one transaction, each with its `user_created` event.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tessera_core::auth::ImportedUser;
use tessera_core::{Auth, Role};

use super::plantdb_users::{read_groups, read_users, PlantDbGroup, PlantDbUser};

/// What the import does with each PlantDB user, in the file's order.
enum Outcome {
    Create(ImportedUser),
    /// The name is taken in tessera: that user is left as it is.
    Skip(String),
    Unreadable {
        entry: usize,
        username: String,
        reason: String,
    },
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Reader => 0,
        Role::Contributor => 1,
        Role::Admin => 2,
    }
}

/// The highest of PlantDB's roles that tessera knows, and those it does not.
fn highest_role(roles: &[String]) -> (Option<Role>, Vec<String>) {
    let mut best: Option<Role> = None;
    let mut unknown = Vec::new();
    for raw in roles {
        match Role::parse(raw) {
            Some(role) if best.is_none_or(|b| rank(role) > rank(b)) => best = Some(role),
            Some(_) => {}
            None => unknown.push(raw.clone()),
        }
    }
    (best, unknown)
}

/// A file of the database: its text, or `None` when it is not there.
fn read_file(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn malformed(path: &Path, problems: &[String]) -> anyhow::Error {
    anyhow::anyhow!(
        "{} is not a file PlantDB could load, so nothing was imported: {}",
        path.display(),
        problems.join("; ")
    )
}

/// PlantDB's users and groups in `dir`.
fn read_database(dir: &Path) -> anyhow::Result<(PathBuf, Vec<PlantDbUser>, Vec<PlantDbGroup>)> {
    let users_path = dir.join("users.json");
    let Some(text) = read_file(&users_path)? else {
        anyhow::bail!(
            "no users.json in {}: give the directory of a PlantDB database",
            dir.display()
        );
    };
    let users = read_users(&text).map_err(|p| malformed(&users_path, &p))?;
    let groups_path = dir.join("groups.json");
    let groups = match read_file(&groups_path)? {
        Some(text) => read_groups(&text).map_err(|p| malformed(&groups_path, &p))?,
        None => Vec::new(),
    };
    Ok((users_path, users, groups))
}

async fn outcome(
    auth: &Auth,
    user: &PlantDbUser,
    seen: &mut HashMap<String, usize>,
) -> anyhow::Result<Outcome> {
    let name = tessera_core::user::normalise(&user.username);
    let unreadable = |reason: String| Outcome::Unreadable {
        entry: user.entry,
        username: user.username.clone(),
        reason,
    };
    if let Some(first) = seen.insert(name.clone(), user.entry) {
        return Ok(unreadable(format!("the same username as entry {first}")));
    }
    if auth.store().user(&name).await?.is_some() {
        return Ok(Outcome::Skip(name));
    }
    let (Some(role), _) = highest_role(&user.roles) else {
        return Ok(unreadable(format!(
            "no role tessera knows (roles: {:?})",
            user.roles
        )));
    };
    Ok(
        match ImportedUser::check(
            &user.username,
            &user.fullname,
            &user.password_hash,
            role,
            !user.is_active,
        ) {
            Ok(checked) => Outcome::Create(checked),
            Err(e) => unreadable(e.to_string()),
        },
    )
}

/// What PlantDB held of a created user that tessera does not keep.
fn not_imported(user: &PlantDbUser, out: &mut String) {
    let name = tessera_core::user::normalise(&user.username);
    let (_, unknown) = highest_role(&user.roles);
    if !unknown.is_empty() {
        writeln!(out, "not imported: {name}'s unknown roles {unknown:?}").ok();
    }
    if !user.extra_permissions.is_empty() {
        writeln!(
            out,
            "not imported: {name}'s extra permissions ({}); rights come from the role alone",
            user.extra_permissions.join(", ")
        )
        .ok();
    }
    if user.failed_attempts > 0 || user.locked_until.is_some() {
        let until = user
            .locked_until
            .as_deref()
            .map(|t| format!(", locked until {t}"))
            .unwrap_or_default();
        writeln!(
            out,
            "not imported: {name}'s lock state ({} failed logins{until})",
            user.failed_attempts
        )
        .ok();
    }
}

/// Imports the PlantDB database in `dir` (`dry_run`: reads, checks and reports only); returns
/// the report.
pub async fn run_import(auth: &Auth, dir: &Path, dry_run: bool) -> anyhow::Result<String> {
    let (users_path, users, groups) = read_database(dir)?;
    let mut seen = HashMap::new();
    let mut outcomes = Vec::with_capacity(users.len());
    for user in &users {
        outcomes.push(outcome(auth, user, &mut seen).await?);
    }
    let to_create: Vec<ImportedUser> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Create(u) => Some(u.clone()),
            _ => None,
        })
        .collect();
    if !dry_run && !to_create.is_empty() {
        auth.import_users(&to_create, "plantdb")
            .await
            .context("nothing was imported")?;
    }

    let mut out = String::new();
    writeln!(
        out,
        "{}: {} users, {} groups",
        users_path.display(),
        users.len(),
        groups.len()
    )
    .ok();
    let verb = if dry_run { "would create" } else { "created" };
    let (mut skipped, mut unreadable) = (0, 0);
    for (o, user) in outcomes.iter().zip(&users) {
        match o {
            Outcome::Create(u) => {
                let disabled = if u.disabled() { ", disabled" } else { "" };
                writeln!(
                    out,
                    "{verb} {} ({}{disabled})",
                    u.username(),
                    u.role().as_str()
                )
                .ok();
                not_imported(user, &mut out);
            }
            Outcome::Skip(name) => {
                skipped += 1;
                writeln!(
                    out,
                    "skipped {name}: a user of that name exists, left unchanged"
                )
                .ok();
            }
            Outcome::Unreadable {
                entry,
                username,
                reason,
            } => {
                unreadable += 1;
                writeln!(out, "could not read entry {entry} ({username:?}): {reason}").ok();
            }
        }
    }
    for g in &groups {
        writeln!(
            out,
            "not imported: group {} ({}); tessera has no groups",
            g.name,
            g.users.join(", ")
        )
        .ok();
    }
    writeln!(
        out,
        "{verb} {}, skipped {skipped}, could not read {unreadable}",
        to_create.len()
    )
    .ok();
    if !to_create.is_empty() {
        writeln!(
            out,
            "passwords are PlantDB's own hashes: each is upgraded to this server's Argon2 \
             parameters at its user's first login"
        )
        .ok();
    }
    if dry_run {
        writeln!(out, "dry run: nothing was changed").ok();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_known_role_wins_and_unknown_ones_are_named() {
        let roles = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            highest_role(&roles(&["reader", "admin", "contributor"])),
            (Some(Role::Admin), vec![])
        );
        assert_eq!(
            highest_role(&roles(&["contributor", "reader"])),
            (Some(Role::Contributor), vec![])
        );
        assert_eq!(
            highest_role(&roles(&["curator", "reader"])),
            (Some(Role::Reader), vec!["curator".to_string()])
        );
        assert_eq!(highest_role(&[]), (None, vec![]));
    }
}
