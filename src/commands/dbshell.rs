//! `pookie dbshell`: the database's own shell (`sqlite3` or `psql`) on the
//! database of the settings.
//!
//! The password never goes on the command line, where `ps` would show it to
//! every user of the machine: `psql` gets the connection through the `PG*`
//! environment variables, `PGPASSWORD` included.

use std::ffi::OsString;
use std::io;
use std::process::{Command, ExitCode};

use crate::project::{CommandError, CommandResult};
use crate::settings::Settings;

/// Runs the native shell with `args` after the connection's; returns its exit code.
pub fn run(settings: &Settings, args: &[OsString]) -> CommandResult<ExitCode> {
    let url = settings.database_url()?;
    let mut command = command(&url)?;
    command.args(args);
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command.status().map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            let package = if program == "psql" {
                "postgresql-client"
            } else {
                "sqlite3"
            };
            CommandError(format!(
                "`{program}`, the database's shell, is not installed (or not on PATH)\n  \
                 = help: install it: `apt-get install {package}` on Debian and Ubuntu \
                 (the package `{package}`), or your system's package of it"
            ))
        } else {
            CommandError(format!("cannot run `{program}`: {error}"))
        }
    })?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // Ended by a signal: a failure.
        None => ExitCode::FAILURE,
    })
}

/// The shell's command for the database at `url`, before the pass-through arguments.
pub fn command(url: &str) -> CommandResult<Command> {
    let options = pookie::ConnectOptions::from_url(url)?;
    match options.dialect() {
        pookie::Dialect::Sqlite => {
            let file = options.sqlite_file().ok_or_else(|| {
                CommandError(
                    "the database is an in-memory SQLite database: there is nothing to open; \
                     name a file (sqlite:///app.sqlite3)"
                        .to_owned(),
                )
            })?;
            let mut command = Command::new("sqlite3");
            command.arg(file);
            Ok(command)
        }
        pookie::Dialect::Postgres => {
            let config = postgres_config(url)?;
            let mut command = Command::new("psql");
            if let Some(host) = config.get_hosts().first() {
                let host = match host {
                    postgres::config::Host::Tcp(name) => name.clone(),
                    postgres::config::Host::Unix(path) => path.display().to_string(),
                };
                command.env("PGHOST", host);
            }
            if let Some(port) = config.get_ports().first() {
                command.env("PGPORT", port.to_string());
            }
            if let Some(user) = config.get_user() {
                command.env("PGUSER", user);
            }
            if let Some(password) = config.get_password() {
                command.env("PGPASSWORD", String::from_utf8_lossy(password).into_owned());
            }
            if let Some(name) = config.get_dbname() {
                command.env("PGDATABASE", name);
            }
            if let Some(options) = config.get_options() {
                command.env("PGOPTIONS", options);
            }
            Ok(command)
        }
    }
}

/// The PostgreSQL URL without the runtime's own `pool_*` parameters, which
/// the driver does not know.
fn postgres_config(url: &str) -> CommandResult<postgres::Config> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("pool_"))
        .collect();
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    url.parse()
        .map_err(|e| CommandError(format!("invalid PostgreSQL URL: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_password_goes_to_the_environment_only() {
        let command =
            super::command("postgresql://app:s3cret@db.internal:5433/shop?pool_max_size=4")
                .unwrap();
        assert_eq!(command.get_program(), "psql");
        assert_eq!(command.get_args().count(), 0);
        let env: Vec<(String, String)> = command
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.unwrap().to_string_lossy().into_owned(),
                )
            })
            .collect();
        for pair in [
            ("PGHOST", "db.internal"),
            ("PGPORT", "5433"),
            ("PGUSER", "app"),
            ("PGPASSWORD", "s3cret"),
            ("PGDATABASE", "shop"),
        ] {
            assert!(
                env.contains(&(pair.0.to_owned(), pair.1.to_owned())),
                "{env:?}"
            );
        }
    }

    #[test]
    fn sqlite_opens_the_file() {
        let command = super::command("sqlite:////tmp/app.sqlite3").unwrap();
        assert_eq!(command.get_program(), "sqlite3");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["/tmp/app.sqlite3"]);
        assert!(super::command("sqlite://:memory:").is_err());
    }
}
