//! Database URLs: `sqlite:///relative.db`, `sqlite:////absolute.db`,
//! `sqlite://:memory:` and `postgresql://user:password@host:port/db`.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// Where a database lives, parsed from its URL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    /// An SQLite file.
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database.
    SqliteMemory,
    /// A PostgreSQL server; the URL is handed to the driver as written.
    Postgres(String),
}

const HELP: &str = "use sqlite:///relative/path.db, sqlite:////absolute/path.db, \
                    sqlite://:memory: or postgresql://user:password@host:port/database";

pub(crate) fn parse(url: &str) -> Result<Target> {
    let Some((scheme, rest)) = url.split_once("://").or_else(|| url.split_once(':')) else {
        return Err(Error::connection(
            format!("`{}` is not a database URL: {HELP}", redact(url)),
            None,
        ));
    };
    match scheme {
        "sqlite" | "sqlite3" => parse_sqlite(rest),
        "postgres" | "postgresql" => Ok(Target::Postgres(url.to_owned())),
        other => Err(Error::connection(
            format!(
                "unsupported database `{other}` in `{}`: {HELP}",
                redact(url)
            ),
            None,
        )),
    }
}

fn parse_sqlite(rest: &str) -> Result<Target> {
    // Query options (`?mode=…`) are not part of the path.
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    match path {
        ":memory:" | "/:memory:" => Ok(Target::SqliteMemory),
        "" | "/" => Err(Error::connection(
            format!("the SQLite URL names no file: {HELP}"),
            None,
        )),
        // `sqlite:///name.db`: the third slash separates an empty host from a
        // relative path; `sqlite:////abs.db` leaves the absolute path.
        _ => Ok(Target::SqliteFile(PathBuf::from(
            path.strip_prefix('/').unwrap_or(path),
        ))),
    }
}

/// The URL with any password replaced by `***`, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_follow_sqlalchemy() {
        let cases = [
            (
                "sqlite:///blog.sqlite3",
                Target::SqliteFile("blog.sqlite3".into()),
            ),
            (
                "sqlite:///data/blog.db",
                Target::SqliteFile("data/blog.db".into()),
            ),
            (
                "sqlite:////var/lib/blog.db",
                Target::SqliteFile("/var/lib/blog.db".into()),
            ),
            ("sqlite://:memory:", Target::SqliteMemory),
            ("sqlite::memory:", Target::SqliteMemory),
            (
                "sqlite:///blog.db?mode=rwc",
                Target::SqliteFile("blog.db".into()),
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(parse(url).unwrap(), expected, "{url}");
        }
    }

    #[test]
    fn postgres_urls_are_kept_whole() {
        let url = "postgresql://postgres@127.0.0.1:5432/test";
        assert_eq!(parse(url).unwrap(), Target::Postgres(url.into()));
        assert!(matches!(
            parse("postgres://h/db").unwrap(),
            Target::Postgres(_)
        ));
    }

    #[test]
    fn bad_urls_say_what_to_write() {
        for url in ["mysql://root:hunter2@localhost/db", "blog.db", "sqlite://"] {
            let message = parse(url).unwrap_err().to_string();
            assert!(message.contains("sqlite:///"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgresql://app:s3cret@db.example.com:5432/app?sslmode=require"),
            "postgresql://app:***@db.example.com:5432/app?sslmode=require"
        );
        assert_eq!(redact("postgresql://app@db/app"), "postgresql://app@db/app");
        assert_eq!(redact("sqlite:///blog.db"), "sqlite:///blog.db");
    }
}
