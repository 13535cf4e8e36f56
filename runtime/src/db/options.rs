//! How to reach a database: parsed from a URL, or built in the keyword form,
//! with the settings of its connection pool.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use pookie_dialect::Dialect;

use crate::error::{Error, Result};

/// How to reach one database, and how many connections to keep to it.
///
/// [`Db::connect`](crate::Db::connect) reads it from a URL; the keyword form
/// builds it field by field, as PookieDB's `connect(engine=…, name=…, …)`:
///
/// ```
/// use std::time::Duration;
/// use pookie::ConnectOptions;
///
/// let options = ConnectOptions::postgres()
///     .name("shop")
///     .host("db.internal")
///     .port(5433)
///     .user("app")
///     .password("s3cret")
///     .max_size(16)
///     .checkout_timeout(Duration::from_secs(2));
/// // Passwords never appear in messages or logs.
/// assert_eq!(options.to_string(), "postgresql://app:***@db.internal:5433/shop");
///
/// let local = ConnectOptions::sqlite("blog.sqlite3");
/// assert_eq!(local.to_string(), "sqlite:///blog.sqlite3");
/// ```
#[derive(Clone)]
pub struct ConnectOptions {
    pub(crate) engine: Engine,
    pub(crate) pool: PoolOptions,
}

#[derive(Clone)]
pub(crate) enum Engine {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres(Box<postgres::Config>),
}

/// Connection-pool settings of one database.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PoolOptions {
    pub(crate) max_size: Option<u32>,
    pub(crate) min_idle: u32,
    pub(crate) checkout_timeout: Duration,
    pub(crate) health_check: bool,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: None,
            min_idle: 0,
            checkout_timeout: Duration::from_secs(10),
            health_check: false,
        }
    }
}

/// How long a PostgreSQL connection attempt may take when nothing says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const URL_HELP: &str = "use sqlite:///relative/path.db, sqlite:////absolute/path.db, \
                        sqlite://:memory: or postgresql://user:password@host:port/database";

impl ConnectOptions {
    /// An SQLite database in the file `path` (created if missing).
    pub fn sqlite(path: impl Into<PathBuf>) -> Self {
        ConnectOptions::new(Engine::SqliteFile(path.into()))
    }

    /// A private in-memory SQLite database (one connection: a second one would
    /// see another, empty database).
    pub fn sqlite_memory() -> Self {
        ConnectOptions::new(Engine::SqliteMemory)
    }

    /// A PostgreSQL database; set at least its [`name`](Self::name). The host
    /// defaults to `localhost`, the port to 5432.
    pub fn postgres() -> Self {
        let mut config = postgres::Config::new();
        config
            .host("localhost")
            .port(5432)
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        ConnectOptions::new(Engine::Postgres(Box::new(config)))
    }

    fn new(engine: Engine) -> Self {
        ConnectOptions {
            engine,
            pool: PoolOptions::default(),
        }
    }

    /// Reads a database URL (see [`Db::connect`](crate::Db::connect)). Pool
    /// settings may ride along as query parameters: `pool_max_size`,
    /// `pool_min_idle`, `pool_timeout` (seconds) and `pool_health_check`.
    pub fn from_url(url: &str) -> Result<Self> {
        let (base, pool_params) = split_pool_params(url);
        let Some((scheme, rest)) = base.split_once("://").or_else(|| base.split_once(':')) else {
            return Err(Error::connection(
                format!("`{}` is not a database URL: {URL_HELP}", redact(url)),
                None,
            ));
        };
        let mut options = match scheme {
            "sqlite" | "sqlite3" => ConnectOptions::new(sqlite_engine(rest)?),
            "postgres" | "postgresql" => {
                let mut config: postgres::Config =
                    base.parse().map_err(|error: postgres::Error| {
                        Error::connection(
                            format!("invalid PostgreSQL URL `{}`: {error}", redact(url)),
                            Some(Box::new(error)),
                        )
                    })?;
                if config.get_connect_timeout().is_none() {
                    config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
                }
                ConnectOptions::new(Engine::Postgres(Box::new(config)))
            }
            other => {
                return Err(Error::connection(
                    format!(
                        "unsupported database `{other}` in `{}`: {URL_HELP}",
                        redact(url)
                    ),
                    None,
                ))
            }
        };
        for (key, value) in pool_params {
            options.apply_pool_param(key, value, url)?;
        }
        Ok(options)
    }

    fn apply_pool_param(&mut self, key: &str, value: &str, url: &str) -> Result<()> {
        let invalid = || {
            Error::connection(
                format!(
                    "`{key}={value}` in `{}` is not valid: expected a {}",
                    redact(url),
                    match key {
                        "pool_health_check" => "boolean (true or false)",
                        "pool_timeout" => "number of seconds",
                        _ => "whole number",
                    }
                ),
                None,
            )
        };
        match key {
            "pool_max_size" => self.pool.max_size = Some(value.parse().map_err(|_| invalid())?),
            "pool_min_idle" => self.pool.min_idle = value.parse().map_err(|_| invalid())?,
            "pool_timeout" => {
                let seconds: f64 = value.parse().map_err(|_| invalid())?;
                self.pool.checkout_timeout =
                    Duration::try_from_secs_f64(seconds).map_err(|_| invalid())?;
            }
            "pool_health_check" => self.pool.health_check = value.parse().map_err(|_| invalid())?,
            _ => unreachable!("split_pool_params keeps pool_ keys only"),
        }
        Ok(())
    }

    fn postgres_config(&mut self) -> Option<&mut postgres::Config> {
        match &mut self.engine {
            Engine::Postgres(config) => Some(config),
            _ => None,
        }
    }

    /// The database name (PostgreSQL); ignored for SQLite.
    pub fn name(mut self, name: &str) -> Self {
        if let Some(config) = self.postgres_config() {
            config.dbname(name);
        }
        self
    }

    /// The server's host name or address (PostgreSQL).
    pub fn host(mut self, host: &str) -> Self {
        if let Some(config) = self.postgres_config() {
            *config = with_address(config, Some(host), None);
        }
        self
    }

    /// The server's port (PostgreSQL).
    pub fn port(mut self, port: u16) -> Self {
        if let Some(config) = self.postgres_config() {
            *config = with_address(config, None, Some(port));
        }
        self
    }

    /// The user to log in as (PostgreSQL).
    pub fn user(mut self, user: &str) -> Self {
        if let Some(config) = self.postgres_config() {
            config.user(user);
        }
        self
    }

    /// The password (PostgreSQL). It never appears in messages or logs.
    pub fn password(mut self, password: &str) -> Self {
        if let Some(config) = self.postgres_config() {
            config.password(password);
        }
        self
    }

    /// Command-line options sent to the server at start-up (PostgreSQL's
    /// `options`, e.g. `-c search_path=app`).
    pub fn options(mut self, options: &str) -> Self {
        if let Some(config) = self.postgres_config() {
            config.options(options);
        }
        self
    }

    /// How long a connection attempt may take (PostgreSQL).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        if let Some(config) = self.postgres_config() {
            config.connect_timeout(timeout);
        }
        self
    }

    /// The most connections the pool opens (default: 10 for PostgreSQL, 8 for
    /// an SQLite file, always 1 for SQLite in memory).
    pub fn max_size(mut self, max_size: u32) -> Self {
        self.pool.max_size = Some(max_size.max(1));
        self
    }

    /// Connections the pool keeps open even when idle (default 0).
    pub fn min_idle(mut self, min_idle: u32) -> Self {
        self.pool.min_idle = min_idle;
        self
    }

    /// How long an operation waits for a free connection before it fails (default 10 s).
    pub fn checkout_timeout(mut self, timeout: Duration) -> Self {
        self.pool.checkout_timeout = timeout;
        self
    }

    /// Checks every connection with a round trip before handing it out (default
    /// off: a connection the server closed is replaced and the statement retried
    /// once instead, which costs nothing while the server is up).
    pub fn health_check(mut self, on: bool) -> Self {
        self.pool.health_check = on;
        self
    }

    /// The dialect of this database.
    pub fn dialect(&self) -> Dialect {
        match self.engine {
            Engine::SqliteFile(_) | Engine::SqliteMemory => Dialect::Sqlite,
            Engine::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The file of an SQLite database (`None` in memory and on PostgreSQL):
    /// for tools that must not create a database by connecting to it.
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        match &self.engine {
            Engine::SqliteFile(path) => Some(path),
            _ => None,
        }
    }

    pub(crate) fn effective_max_size(&self) -> u32 {
        match self.engine {
            Engine::SqliteMemory => 1,
            Engine::SqliteFile(_) => self.pool.max_size.unwrap_or(8),
            Engine::Postgres(_) => self.pool.max_size.unwrap_or(10),
        }
    }
}

/// The URL of the database, with the password replaced by `***`.
impl fmt::Display for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.engine {
            Engine::SqliteMemory => f.write_str("sqlite://:memory:"),
            Engine::SqliteFile(path) if path.is_absolute() => {
                write!(f, "sqlite:///{}", path.display())
            }
            Engine::SqliteFile(path) => write!(f, "sqlite:///{}", path.display()),
            Engine::Postgres(config) => {
                f.write_str("postgresql://")?;
                if let Some(user) = config.get_user() {
                    f.write_str(user)?;
                    if config.get_password().is_some() {
                        f.write_str(":***")?;
                    }
                    f.write_str("@")?;
                }
                let hosts: Vec<String> = config
                    .get_hosts()
                    .iter()
                    .map(|host| match host {
                        postgres::config::Host::Tcp(name) => name.clone(),
                        postgres::config::Host::Unix(path) => path.display().to_string(),
                    })
                    .collect();
                f.write_str(&hosts.join(","))?;
                if let Some(port) = config.get_ports().first() {
                    write!(f, ":{port}")?;
                }
                write!(f, "/{}", config.get_dbname().unwrap_or(""))
            }
        }
    }
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("url", &self.to_string())
            .field("pool", &self.pool)
            .finish()
    }
}

fn sqlite_engine(rest: &str) -> Result<Engine> {
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    match path {
        ":memory:" | "/:memory:" => Ok(Engine::SqliteMemory),
        "" | "/" => Err(Error::connection(
            format!("the SQLite URL names no file: {URL_HELP}"),
            None,
        )),
        // `sqlite:///name.db`: the third slash separates an empty host from a
        // relative path; `sqlite:////abs.db` leaves the absolute path.
        _ => Ok(Engine::SqliteFile(PathBuf::from(
            path.strip_prefix('/').unwrap_or(path),
        ))),
    }
}

/// Splits Pookie's own `pool_*` query parameters from the URL the driver reads.
fn split_pool_params(url: &str) -> (String, Vec<(&str, &str)>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), Vec::new());
    };
    let mut kept = Vec::new();
    let mut pool = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key.starts_with("pool_") && POOL_KEYS.contains(&key) {
            pool.push((key, value));
        } else {
            kept.push(pair);
        }
    }
    let base = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (base, pool)
}

const POOL_KEYS: [&str; 4] = [
    "pool_max_size",
    "pool_min_idle",
    "pool_timeout",
    "pool_health_check",
];

// `postgres::Config` only appends hosts and ports; the keyword form replaces
// them, so it copies everything else into a fresh config.
fn with_address(
    config: &postgres::Config,
    host: Option<&str>,
    port: Option<u16>,
) -> postgres::Config {
    let mut rebuilt = postgres::Config::new();
    if let Some(user) = config.get_user() {
        rebuilt.user(user);
    }
    if let Some(password) = config.get_password() {
        rebuilt.password(password);
    }
    if let Some(dbname) = config.get_dbname() {
        rebuilt.dbname(dbname);
    }
    if let Some(options) = config.get_options() {
        rebuilt.options(options);
    }
    if let Some(name) = config.get_application_name() {
        rebuilt.application_name(name);
    }
    if let Some(timeout) = config.get_connect_timeout() {
        rebuilt.connect_timeout(*timeout);
    }
    rebuilt.ssl_mode(config.get_ssl_mode());
    match host {
        Some(host) => {
            rebuilt.host(host);
        }
        None => {
            for host in config.get_hosts() {
                match host {
                    postgres::config::Host::Tcp(name) => rebuilt.host(name),
                    postgres::config::Host::Unix(path) => rebuilt.host_path(path),
                };
            }
        }
    }
    match port {
        Some(port) => {
            rebuilt.port(port);
        }
        None => {
            for port in config.get_ports().iter().take(1) {
                rebuilt.port(*port);
            }
        }
    }
    rebuilt
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

    fn engine(url: &str) -> String {
        ConnectOptions::from_url(url)
            .map(|o| o.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn sqlite_urls_follow_sqlalchemy() {
        assert_eq!(engine("sqlite:///blog.sqlite3"), "sqlite:///blog.sqlite3");
        assert_eq!(engine("sqlite:///data/blog.db"), "sqlite:///data/blog.db");
        assert_eq!(
            engine("sqlite:////var/lib/blog.db"),
            "sqlite:////var/lib/blog.db"
        );
        assert_eq!(engine("sqlite://:memory:"), "sqlite://:memory:");
        assert_eq!(engine("sqlite::memory:"), "sqlite://:memory:");
        assert_eq!(engine("sqlite:///blog.db?mode=rwc"), "sqlite:///blog.db");
        let file = |url| {
            ConnectOptions::from_url(url)
                .unwrap()
                .sqlite_file()
                .map(PathBuf::from)
        };
        assert_eq!(
            file("sqlite:////var/lib/blog.db"),
            Some("/var/lib/blog.db".into())
        );
        assert_eq!(file("sqlite://:memory:"), None);
        assert_eq!(file("postgresql://u@h/db"), None);
    }

    #[test]
    fn postgres_urls_keep_their_parts_and_hide_the_password() {
        assert_eq!(
            engine("postgresql://app:s3cret@db.example.com:5433/shop?sslmode=disable&connect_timeout=3"),
            "postgresql://app:***@db.example.com:5433/shop"
        );
        assert_eq!(
            engine("postgres://postgres@127.0.0.1/test"),
            "postgresql://postgres@127.0.0.1:5432/test"
        );
    }

    #[test]
    fn pool_settings_ride_along_in_the_url() {
        let options = ConnectOptions::from_url(
            "postgresql://u@h/db?pool_max_size=3&application_name=x&pool_timeout=1.5&pool_health_check=true",
        )
        .unwrap();
        assert_eq!(options.pool.max_size, Some(3));
        assert_eq!(options.pool.checkout_timeout, Duration::from_millis(1500));
        assert!(options.pool.health_check);
        let bad = ConnectOptions::from_url("sqlite:///x.db?pool_max_size=many").unwrap_err();
        assert!(bad.to_string().contains("pool_max_size=many"), "{bad}");
    }

    #[test]
    fn bad_urls_say_what_to_write() {
        for url in [
            "mysql://root:hunter2@localhost/db",
            "blog.db",
            "sqlite://",
            "postgresql://u:hunter2@h/db?bogus=1",
        ] {
            let message = engine(url);
            assert!(!message.contains("hunter2"), "{message}");
            assert!(
                message.contains("sqlite:///") || message.contains("invalid PostgreSQL URL"),
                "{message}"
            );
        }
    }

    #[test]
    fn the_keyword_form_replaces_host_and_port() {
        let options = ConnectOptions::postgres()
            .name("app")
            .host("a.example")
            .port(6000)
            .user("me");
        assert_eq!(options.to_string(), "postgresql://me@a.example:6000/app");
        assert_eq!(ConnectOptions::sqlite_memory().effective_max_size(), 1);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgresql://app:s3cret@db.example.com:5432/app?sslmode=require"),
            "postgresql://app:***@db.example.com:5432/app?sslmode=require"
        );
        assert_eq!(redact("postgresql://app@db/app"), "postgresql://app@db/app");
    }
}
