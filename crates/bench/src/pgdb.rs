//! A PostgreSQL database of the run's own, made on the given server and dropped at the end.

use sqlx::{Connection, PgConnection};

pub struct Database {
    server: String,
    name: String,
    /// The new database's URL.
    pub url: String,
}

/// `url` with its database name replaced by `name` (the query string is kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let hosts = base.find("://").map_or(0, |i| i + 3);
    let base = match base[hosts..].find('/') {
        Some(i) => &base[..hosts + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Database {
    pub async fn create(server: &str) -> Result<Self, String> {
        let name = format!("tessera_bench_{}", std::process::id());
        let mut c = PgConnection::connect(server)
            .await
            .map_err(|e| format!("PostgreSQL at {server}: {e}"))?;
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(&sql)
                .execute(&mut c)
                .await
                .map_err(|e| format!("{sql}: {e}"))?;
        }
        Ok(Self {
            server: server.to_string(),
            url: with_database(server, &name),
            name,
        })
    }

    pub async fn drop_it(self) {
        if let Ok(mut c) = PgConnection::connect(&self.server).await {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = sqlx::query(&sql).execute(&mut c).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5432/test", "b"),
            "postgres://u@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "b"),
            "postgres://u@h/b?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "b"),
            "postgres://h:5432/b"
        );
    }
}
