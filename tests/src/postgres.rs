//! The PostgreSQL test server as the tests and the load generator use it: a statement run by
//! `psql`, and a server's URL naming another database.

use std::process::Command;

/// Runs `sql` on the database at `url` with `psql`, stopping at the first error.
pub fn psql(url: &str, sql: &str) -> Result<(), String> {
    let out = Command::new("psql")
        .args([
            "--no-psqlrc",
            "--quiet",
            "-v",
            "ON_ERROR_STOP=1",
            "--dbname",
            url,
        ])
        .args(["--command", sql])
        .output()
        .map_err(|e| format!("psql (package postgresql-client): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "psql --command {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// `url` with its database replaced by `name` (or given one, when it names none).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let end = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    format!("{}/{name}{query}", &base[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_another_database_with_its_query_kept() {
        for (url, named) in [
            (
                "postgres://u:p@127.0.0.1:55432/test",
                "postgres://u:p@127.0.0.1:55432/other",
            ),
            (
                "postgres://u:p@127.0.0.1:55432",
                "postgres://u:p@127.0.0.1:55432/other",
            ),
            (
                "postgres://h/test?sslmode=disable",
                "postgres://h/other?sslmode=disable",
            ),
        ] {
            assert_eq!(with_database(url, "other"), named);
        }
    }
}
