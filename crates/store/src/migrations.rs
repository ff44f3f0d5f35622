//! The migration files of both backends and the bookkeeping they share: sqlx's
//! `_sqlx_migrations` table (version, description, installed_on, success, SHA-384 checksum of
//! the file, execution_time in nanoseconds). PostgreSQL runs its files with sqlx's migrator;
//! SQLite (reached through rusqlite, which sqlx's migrator cannot drive) keeps the same table
//! by hand, with the same checks. A migration changed after it was applied, or applied but
//! unknown to this build, stops the opening.
//!
//! A database migrated before checksums were kept has a `schema_migrations` table of the
//! versions applied. It is adopted: those versions are recorded with the checksums of today's
//! files, and nothing runs again. `schema_migrations` stays as it was, unused.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx_core::migrate::{MigrateError, Migration, MigrationSource, MigrationType};

/// `(version, description, sql)` of every `migrations/<backend>/NNNN_name.sql`, in order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Files(&'static [(i64, &'static str, &'static str)]);

pub(crate) const SQLITE: Files = Files(include!(concat!(env!("OUT_DIR"), "/sqlite_migrations.rs")));
pub(crate) const POSTGRES: Files = Files(include!(concat!(
    env!("OUT_DIR"),
    "/postgres_migrations.rs"
)));

/// The table of applied versions an older tessera kept.
pub(crate) const LEGACY_TABLE: &str = "schema_migrations";

/// Recorded as the execution time of an adopted migration: not known.
pub(crate) const UNKNOWN_TIME: i64 = -1;

impl Files {
    /// Each file as sqlx's migration, with its checksum.
    pub(crate) fn migrations(self) -> Vec<Migration> {
        self.0
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect()
    }

    /// The SQL of every file, in order.
    #[cfg(test)]
    pub(crate) fn sql(self) -> impl Iterator<Item = &'static str> {
        self.0.iter().map(|&(_, _, sql)| sql)
    }
}

impl MigrationSource<'static> for Files {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, sqlx_core::error::BoxDynError>> + Send>>
    {
        Box::pin(async move { Ok(self.migrations()) })
    }
}

/// The migrations to record for the versions a legacy table lists.
pub(crate) fn adopted(
    migrations: &[Migration],
    versions: &[i64],
) -> Result<Vec<Migration>, MigrateError> {
    versions
        .iter()
        .map(|&v| {
            migrations
                .iter()
                .find(|m| m.version == v)
                .cloned()
                .ok_or(MigrateError::VersionMissing(v))
        })
        .collect()
}

/// A row of `_sqlx_migrations`.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub version: i64,
    pub checksum: Vec<u8>,
    pub success: bool,
}

/// The migrations still to run, after checking those applied as sqlx's migrator does: none
/// half-applied, none unknown to this build, none changed since.
pub(crate) fn pending<'m>(
    migrations: &'m [Migration],
    applied: &[Applied],
) -> Result<Vec<&'m Migration>, MigrateError> {
    if let Some(dirty) = applied.iter().find(|a| !a.success) {
        return Err(MigrateError::Dirty(dirty.version));
    }
    for a in applied {
        match migrations.iter().find(|m| m.version == a.version) {
            None => return Err(MigrateError::VersionMissing(a.version)),
            Some(m) if *m.checksum != *a.checksum => {
                return Err(MigrateError::VersionMismatch(a.version))
            }
            Some(_) => {}
        }
    }
    Ok(migrations
        .iter()
        .filter(|m| applied.iter().all(|a| a.version != m.version))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(m: &Migration) -> Applied {
        Applied {
            version: m.version,
            checksum: m.checksum.to_vec(),
            success: true,
        }
    }

    #[test]
    fn files_are_numbered_and_described_as_sqlx_does() {
        for files in [SQLITE, POSTGRES] {
            let all = files.migrations();
            assert_eq!(all[0].version, 1);
            assert_eq!(all[0].description, "init");
            assert!(all.windows(2).all(|w| w[0].version < w[1].version));
            assert!(all.iter().all(|m| m.checksum.len() == 48), "SHA-384");
        }
    }

    #[test]
    fn pending_is_what_was_not_applied() {
        let all = SQLITE.migrations();
        let done: Vec<Applied> = all[..2].iter().map(applied).collect();
        let versions: Vec<i64> = pending(&all, &done)
            .unwrap()
            .iter()
            .map(|m| m.version)
            .collect();
        assert_eq!(
            versions,
            all[2..].iter().map(|m| m.version).collect::<Vec<_>>()
        );
    }

    #[test]
    fn changed_unknown_and_half_applied_migrations_are_refused() {
        let all = SQLITE.migrations();
        let mut changed = applied(&all[1]);
        changed.checksum[0] ^= 1;
        let err = pending(&all, &[applied(&all[0]), changed]).unwrap_err();
        assert!(matches!(err, MigrateError::VersionMismatch(2)), "{err}");
        assert!(err.to_string().contains("modified"), "{err}");

        let unknown = Applied {
            version: 9999,
            ..applied(&all[0])
        };
        let err = pending(&all, &[unknown]).unwrap_err();
        assert!(matches!(err, MigrateError::VersionMissing(9999)), "{err}");

        let half = Applied {
            success: false,
            ..applied(&all[0])
        };
        assert!(matches!(
            pending(&all, &[half]),
            Err(MigrateError::Dirty(1))
        ));
    }

    #[test]
    fn adopting_needs_a_file_for_every_version() {
        let all = POSTGRES.migrations();
        assert_eq!(adopted(&all, &[1, 2]).unwrap().len(), 2);
        assert!(matches!(
            adopted(&all, &[1, 9999]),
            Err(MigrateError::VersionMissing(9999))
        ));
    }
}
