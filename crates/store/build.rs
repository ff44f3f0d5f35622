//! Lists the migration files of each backend, so that every numbered `NNNN_name.sql` in
//! `migrations/<backend>/` is applied without being named in the code: `(version,
//! description, sql)`, the description being the name with spaces for underscores, as sqlx
//! writes it.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    for backend in ["sqlite", "postgres"] {
        let dir = Path::new("migrations").join(backend);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<(i64, String, String)> = std::fs::read_dir(&dir)
            .expect("migrations directory")
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let name = path.file_name()?.to_str()?.to_string();
                let (version, description) = name.strip_suffix(".sql")?.split_once('_')?;
                Some((
                    version.parse().ok()?,
                    description.replace('_', " "),
                    std::fs::canonicalize(&path).ok()?.display().to_string(),
                ))
            })
            .collect();
        files.sort();
        for pair in files.windows(2) {
            assert!(
                pair[0].0 != pair[1].0,
                "two migrations numbered {}",
                pair[0].0
            );
        }
        let mut list = String::from("&[\n");
        for (version, description, path) in &files {
            writeln!(
                list,
                "    ({version}, {description:?}, include_str!({path:?})),"
            )
            .ok();
        }
        list.push(']');
        std::fs::write(
            Path::new(&out).join(format!("{backend}_migrations.rs")),
            list,
        )
        .expect("write the migration list");
    }
}
