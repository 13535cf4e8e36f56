//! How to reach a database: parsed from a URL or PostgreSQL's keyword
//! string, or built in the keyword form, with the settings of its
//! connection pool, TLS and timeouts.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use pookie_dialect::Dialect;

use super::secret::{passwords_in, percent_decode, redact, scrub};
use super::tls::{SslMode, TlsOptions};
use crate::error::{Error, Result};

/// How to reach one database, and how many connections to keep to it.
///
/// [`Db::connect`](crate::Db::connect) reads it from a URL; the keyword form
/// builds it field by field, as PookieDB's `connect(engine=…, name=…, …)`:
///
/// ```
/// use std::time::Duration;
/// use pookie::{ConnectOptions, SslMode};
///
/// let options = ConnectOptions::postgres()
///     .name("shop")
///     .host("db.internal")
///     .port(5433)
///     .user("app")
///     .password("s3cret")
///     .ssl_mode(SslMode::VerifyFull)
///     .statement_timeout(Duration::from_secs(30))
///     .max_size(16)
///     .checkout_timeout(Duration::from_secs(2));
/// // Passwords never appear in messages or logs.
/// assert_eq!(options.to_string(), "postgresql://app:***@db.internal:5433/shop");
/// assert!(!format!("{options:?}").contains("s3cret"));
///
/// let local = ConnectOptions::sqlite("blog.sqlite3").busy_timeout(Duration::from_secs(30));
/// assert_eq!(local.to_string(), "sqlite:///blog.sqlite3");
/// ```
#[derive(Clone)]
pub struct ConnectOptions {
    pub(crate) engine: Engine,
    pub(crate) pool: PoolOptions,
    /// How long an SQLite connection waits for another one's lock.
    pub(crate) busy_timeout: Duration,
}

#[derive(Clone)]
pub(crate) enum Engine {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres(Box<PgOptions>),
}

/// Everything about one PostgreSQL server: the driver's settings and Pookie's own.
#[derive(Clone)]
pub(crate) struct PgOptions {
    /// The driver's settings (its `ssl_mode` is set from `tls` on connecting).
    pub(crate) config: postgres::Config,
    pub(crate) tls: TlsOptions,
    pub(crate) statement_timeout: Option<Duration>,
    pub(crate) lock_timeout: Option<Duration>,
    pub(crate) idle_in_transaction_timeout: Option<Duration>,
    /// Off behind PgBouncer in transaction mode: statements are then sent
    /// unnamed, parsed and run in one round trip.
    pub(crate) statement_cache: bool,
}

impl PgOptions {
    /// The driver's settings with the session settings added to the
    /// start-up `options`, as `-c name=value`.
    pub(crate) fn startup_config(&self) -> postgres::Config {
        let mut config = self.config.clone();
        let mut options = config.get_options().unwrap_or("").to_owned();
        for (name, value) in [
            ("statement_timeout", self.statement_timeout),
            ("lock_timeout", self.lock_timeout),
            (
                "idle_in_transaction_session_timeout",
                self.idle_in_transaction_timeout,
            ),
        ] {
            if let Some(value) = value {
                if !options.is_empty() {
                    options.push(' ');
                }
                options.push_str(&format!("-c {name}={}", value.as_millis()));
            }
        }
        if !options.is_empty() {
            config.options(&options);
        }
        config
    }
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

/// How long an SQLite connection waits for a lock when nothing says otherwise.
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest pool checkout wait accepted (a day): longer ones overflow the
/// pool's clock arithmetic and mean a hung program anyway.
const MAX_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(86_400);

/// The longest timeout PostgreSQL and SQLite accept (`i32::MAX` milliseconds).
const MAX_SERVER_TIMEOUT: Duration = Duration::from_millis(i32::MAX as u64);

const URL_HELP: &str = "use sqlite:///relative/path.db, sqlite:////absolute/path.db, \
                        sqlite://:memory:, postgresql://user:password@host:port/database \
                        or the keyword form host=… dbname=… user=…";

/// Pookie's own settings in a PostgreSQL URL or keyword string; every other
/// one goes to the driver.
const PG_KEYS: [&str; 10] = [
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
    "statement_cache",
    "pgbouncer",
    "busy_timeout",
];

const POOL_KEYS: [&str; 4] = [
    "pool_max_size",
    "pool_min_idle",
    "pool_timeout",
    "pool_health_check",
];

fn invalid(key: &str, value: &str, expected: &str, shown_url: &str) -> Error {
    Error::connection(
        format!("`{key}={value}` in `{shown_url}` is not valid: expected {expected}"),
        None,
    )
}

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
    /// defaults to `localhost`, the port to 5432, TLS to
    /// [`SslMode::Prefer`](crate::SslMode::Prefer).
    pub fn postgres() -> Self {
        let mut config = postgres::Config::new();
        config
            .host("localhost")
            .port(5432)
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        ConnectOptions::new(Engine::Postgres(Box::new(PgOptions::new(config))))
    }

    fn new(engine: Engine) -> Self {
        ConnectOptions {
            engine,
            pool: PoolOptions::default(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }

    /// Reads a database URL (see [`Db::connect`](crate::Db::connect)), or
    /// PostgreSQL's keyword form (`host=db dbname=shop user=app`). Pool
    /// settings may ride along as query parameters: `pool_max_size`,
    /// `pool_min_idle`, `pool_timeout` (seconds) and `pool_health_check`;
    /// SQLite takes `busy_timeout`; PostgreSQL takes TLS settings (`sslmode`,
    /// `sslrootcert`, `sslcert`, `sslkey`), timeouts (`connect_timeout` in
    /// seconds; `statement_timeout`, `lock_timeout`,
    /// `idle_in_transaction_session_timeout` in milliseconds or with a unit:
    /// `500ms`, `5s`, `1min`), `application_name`, and `pgbouncer=true`
    /// (alias `statement_cache=false`) behind PgBouncer in transaction mode.
    /// Every value is checked: a wrong one is an [`Error::Connection`] naming
    /// it, never a panic, and never showing a password.
    pub fn from_url(url: &str) -> Result<Self> {
        let shown = redact(url);
        let trimmed = url.trim();
        let options = if let Some((scheme, rest)) = trimmed.split_once("://") {
            match scheme.to_ascii_lowercase().as_str() {
                "sqlite" | "sqlite3" => sqlite_from_url(rest, &shown)?,
                "postgres" | "postgresql" => postgres_from_url(trimmed, &shown)?,
                other => {
                    return Err(Error::connection(
                        format!("unsupported database `{other}` in `{shown}`: {URL_HELP}"),
                        None,
                    ))
                }
            }
        } else if let Some(rest) = trimmed
            .strip_prefix("sqlite:")
            .or_else(|| trimmed.strip_prefix("sqlite3:"))
        {
            sqlite_from_url(rest, &shown)?
        } else if trimmed.contains('=') {
            postgres_from_keywords(trimmed, &shown)?
        } else {
            return Err(Error::connection(
                format!("`{shown}` is not a database URL: {URL_HELP}"),
                None,
            ));
        };
        options.validate_as(&shown)?;
        Ok(options)
    }

    fn apply_pool_param(&mut self, key: &str, value: &str, shown: &str) -> Result<()> {
        let whole = |value: &str| {
            value
                .parse::<u32>()
                .map_err(|_| invalid(key, value, "a whole number", shown))
        };
        match key {
            "pool_max_size" => self.pool.max_size = Some(whole(value)?),
            "pool_min_idle" => self.pool.min_idle = whole(value)?,
            "pool_timeout" => {
                let expected = "a number of seconds above 0, at most 86400";
                let seconds: f64 = value
                    .parse()
                    .map_err(|_| invalid(key, value, expected, shown))?;
                self.pool.checkout_timeout = Duration::try_from_secs_f64(seconds)
                    .map_err(|_| invalid(key, value, expected, shown))?;
            }
            "pool_health_check" => {
                self.pool.health_check = parse_bool(value)
                    .ok_or_else(|| invalid(key, value, "true or false", shown))?
            }
            _ => {
                return Err(Error::connection(
                    format!("unknown setting `{key}` in `{shown}`: the pool settings are pool_max_size, pool_min_idle, pool_timeout and pool_health_check"),
                    None,
                ))
            }
        }
        Ok(())
    }

    /// Checks every setting, so that a wrong one is a clear error at connect
    /// time rather than a panic later.
    pub(crate) fn validate(&self) -> Result<()> {
        self.validate_as(&self.to_string())
    }

    fn validate_as(&self, shown: &str) -> Result<()> {
        let wrong =
            |message: String| Err(Error::connection(format!("{message} (in `{shown}`)"), None));
        if self.pool.max_size == Some(0) {
            return wrong("the pool size (pool_max_size) must be at least 1".into());
        }
        let max_size = self.effective_max_size();
        if self.pool.min_idle > max_size {
            return wrong(format!(
                "pool_min_idle ({}) is more than the pool size ({max_size}): lower it or raise pool_max_size",
                self.pool.min_idle
            ));
        }
        let checkout = self.pool.checkout_timeout;
        if checkout.is_zero() || checkout > MAX_CHECKOUT_TIMEOUT {
            return wrong(format!(
                "the pool checkout timeout (pool_timeout) must be above 0 and at most 86400 seconds, not {checkout:?}"
            ));
        }
        if self.busy_timeout > MAX_SERVER_TIMEOUT {
            return wrong(format!(
                "busy_timeout must be at most {} ms, not {:?}",
                i32::MAX,
                self.busy_timeout
            ));
        }
        if let Engine::Postgres(pg) = &self.engine {
            for (name, value) in [
                ("statement_timeout", pg.statement_timeout),
                ("lock_timeout", pg.lock_timeout),
                (
                    "idle_in_transaction_session_timeout",
                    pg.idle_in_transaction_timeout,
                ),
            ] {
                if value.is_some_and(|value| value > MAX_SERVER_TIMEOUT) {
                    return wrong(format!("{name} must be at most {} ms", i32::MAX));
                }
                if value.is_some() && !pg.statement_cache {
                    return wrong(format!(
                        "{name} cannot be sent through PgBouncer in transaction mode (pgbouncer=true): \
                         it would stay on a server connection other clients share; set it on the role instead \
                         (ALTER ROLE app SET {name} = '5s') or connect to the server directly"
                    ));
                }
            }
            if pg
                .config
                .get_connect_timeout()
                .is_some_and(|timeout| *timeout > MAX_CHECKOUT_TIMEOUT)
            {
                return wrong("connect_timeout must be at most 86400 seconds".into());
            }
            pg.tls.validate()?;
        }
        Ok(())
    }

    fn postgres_options(&mut self) -> Option<&mut PgOptions> {
        match &mut self.engine {
            Engine::Postgres(options) => Some(options),
            _ => None,
        }
    }

    fn postgres_config(&mut self) -> Option<&mut postgres::Config> {
        self.postgres_options().map(|options| &mut options.config)
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

    /// The name the server shows for this program's sessions
    /// (`pg_stat_activity.application_name`; PostgreSQL).
    pub fn application_name(mut self, name: &str) -> Self {
        if let Some(config) = self.postgres_config() {
            config.application_name(name);
        }
        self
    }

    /// How long a connection attempt may take (PostgreSQL; default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        if let Some(config) = self.postgres_config() {
            config.connect_timeout(timeout);
        }
        self
    }

    /// Cancels any statement running longer than `timeout` (PostgreSQL's
    /// `statement_timeout`): the statement fails with an error for which
    /// [`Error::is_timeout`] is true, and the connection stays usable.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        if let Some(options) = self.postgres_options() {
            options.statement_timeout = Some(timeout);
        }
        self
    }

    /// Gives up waiting for a row or table lock after `timeout`
    /// (PostgreSQL's `lock_timeout`; an [`Error::is_timeout`] error).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        if let Some(options) = self.postgres_options() {
            options.lock_timeout = Some(timeout);
        }
        self
    }

    /// Ends a session left idle inside a transaction longer than `timeout`
    /// (PostgreSQL's `idle_in_transaction_session_timeout`).
    pub fn idle_in_transaction_session_timeout(mut self, timeout: Duration) -> Self {
        if let Some(options) = self.postgres_options() {
            options.idle_in_transaction_timeout = Some(timeout);
        }
        self
    }

    /// How to use TLS (PostgreSQL; default [`SslMode::Prefer`], as libpq).
    pub fn ssl_mode(mut self, mode: SslMode) -> Self {
        if let Some(options) = self.postgres_options() {
            options.tls.mode = mode;
        }
        self
    }

    /// The PEM file of the certificate authorities that `verify-ca` and
    /// `verify-full` trust (libpq's `sslrootcert`; default: the public
    /// authorities of the Mozilla list). With it, `require` verifies too.
    pub fn ssl_root_cert(mut self, path: impl Into<PathBuf>) -> Self {
        if let Some(options) = self.postgres_options() {
            options.tls.root_cert = Some(path.into());
        }
        self
    }

    /// A client certificate and its private key, both PEM files (libpq's
    /// `sslcert` and `sslkey`), for servers that authenticate clients by certificate.
    pub fn ssl_client_cert(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        if let Some(options) = self.postgres_options() {
            options.tls.client_cert = Some(cert.into());
            options.tls.client_key = Some(key.into());
        }
        self
    }

    /// Whether statements are prepared once per connection and kept (the
    /// default). Turn it off behind PgBouncer in transaction pooling mode,
    /// where a prepared statement is lost between transactions: statements
    /// are then sent unnamed (URL: `pgbouncer=true` or `statement_cache=false`).
    pub fn statement_cache(mut self, on: bool) -> Self {
        if let Some(options) = self.postgres_options() {
            options.statement_cache = on;
        }
        self
    }

    /// How long an SQLite connection waits for another connection's lock
    /// before failing with "database is locked" (default 5 s; URL:
    /// `busy_timeout`, in milliseconds or with a unit). Ignored by PostgreSQL.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// The most connections the pool opens (default: 10 for PostgreSQL, 8 for
    /// an SQLite file, always 1 for SQLite in memory); 0 is refused on connecting.
    pub fn max_size(mut self, max_size: u32) -> Self {
        self.pool.max_size = Some(max_size);
        self
    }

    /// Connections the pool keeps open even when idle (default 0).
    pub fn min_idle(mut self, min_idle: u32) -> Self {
        self.pool.min_idle = min_idle;
        self
    }

    /// How long an operation waits for a free connection before it fails
    /// (default 10 s; above zero and at most a day, checked on connecting).
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

impl PgOptions {
    fn new(config: postgres::Config) -> Self {
        PgOptions {
            config,
            tls: TlsOptions::default(),
            statement_timeout: None,
            lock_timeout: None,
            idle_in_transaction_timeout: None,
            statement_cache: true,
        }
    }

    /// Applies one of Pookie's own PostgreSQL settings.
    fn apply(&mut self, key: &str, value: &str, shown: &str) -> Result<()> {
        let flag = |value: &str| {
            parse_bool(value).ok_or_else(|| invalid(key, value, "true or false", shown))
        };
        match key {
            "sslmode" => {
                self.tls.mode = SslMode::parse(value).ok_or_else(|| {
                    invalid(
                        key,
                        value,
                        "disable, prefer, require, verify-ca or verify-full",
                        shown,
                    )
                })?
            }
            "sslrootcert" => self.tls.root_cert = Some(PathBuf::from(value)),
            "sslcert" => self.tls.client_cert = Some(PathBuf::from(value)),
            "sslkey" => self.tls.client_key = Some(PathBuf::from(value)),
            "statement_timeout" => self.statement_timeout = Some(parse_millis(key, value, shown)?),
            "lock_timeout" => self.lock_timeout = Some(parse_millis(key, value, shown)?),
            "idle_in_transaction_session_timeout" => {
                self.idle_in_transaction_timeout = Some(parse_millis(key, value, shown)?)
            }
            "statement_cache" => self.statement_cache = flag(value)?,
            "pgbouncer" => self.statement_cache = !flag(value)?,
            _ => {
                return Err(Error::connection(
                    format!("`{key}` in `{shown}` is an SQLite setting, not a PostgreSQL one"),
                    None,
                ))
            }
        }
        Ok(())
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Some(true),
        "false" | "off" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// A timeout as PostgreSQL writes it: milliseconds, or a number with one of
/// the units `ms`, `s`, `min`, `h`.
fn parse_millis(key: &str, value: &str, shown: &str) -> Result<Duration> {
    let expected = "a number of milliseconds, or a number with a unit (500ms, 5s, 1min, 1h)";
    let text = value.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| invalid(key, value, expected, shown))?;
    let millis_per_unit = match unit.trim() {
        "" | "ms" => 1.0,
        "s" => 1_000.0,
        "min" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return Err(invalid(key, value, expected, shown)),
    };
    let millis = number * millis_per_unit;
    if !millis.is_finite() || millis > i32::MAX as f64 {
        return Err(invalid(
            key,
            value,
            &format!("at most {} milliseconds", i32::MAX),
            shown,
        ));
    }
    Ok(Duration::from_millis(millis.round() as u64))
}

fn sqlite_from_url(rest: &str, shown: &str) -> Result<ConnectOptions> {
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let engine = match path {
        ":memory:" | "/:memory:" => Engine::SqliteMemory,
        "" | "/" => {
            return Err(Error::connection(
                format!("the SQLite URL names no file: {URL_HELP}"),
                None,
            ))
        }
        // `sqlite:///name.db`: the third slash separates an empty host from a
        // relative path; `sqlite:////abs.db` leaves the absolute path.
        _ => Engine::SqliteFile(PathBuf::from(path.strip_prefix('/').unwrap_or(path))),
    };
    let mut options = ConnectOptions::new(engine);
    for (key, value) in query_pairs(query) {
        if POOL_KEYS.contains(&key.as_str()) {
            options.apply_pool_param(&key, &value, shown)?;
        } else if key == "busy_timeout" {
            options.busy_timeout = parse_millis(&key, &value, shown)?;
        }
        // Other parameters (SQLAlchemy's `mode=rwc`, …) are ignored, as before.
    }
    Ok(options)
}

/// The `key=value` pairs of a URL's query, percent-decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn postgres_from_url(url: &str, shown: &str) -> Result<ConnectOptions> {
    // The query starts at the first `?` after the user part, so that an
    // unencoded `?` in a password is not taken for it.
    let after_credentials = url.rfind('@').map_or(0, |at| at + 1);
    let (base, query) = match url[after_credentials..].find('?') {
        Some(offset) => url.split_at(after_credentials + offset),
        None => (url, ""),
    };
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut kept = Vec::new();
    let mut pookie = Vec::new();
    for raw in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = raw.split_once('=').unwrap_or((raw, ""));
        if PG_KEYS.contains(&key) || POOL_KEYS.contains(&key) {
            pookie.push((key.to_owned(), percent_decode(value)));
        } else {
            kept.push(raw);
        }
    }
    let driver_url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let config = parse_driver_config(&driver_url, url, shown)?;
    postgres_with(config, pookie, shown)
}

fn postgres_from_keywords(text: &str, shown: &str) -> Result<ConnectOptions> {
    let pairs = keyword_pairs(text).ok_or_else(|| {
        Error::connection(
            format!("`{shown}` is not a database URL nor a valid keyword string (host=… dbname=…, values with spaces in single quotes): {URL_HELP}"),
            None,
        )
    })?;
    let mut kept = Vec::new();
    let mut pookie = Vec::new();
    for (key, value) in pairs {
        if PG_KEYS.contains(&key.as_str()) || POOL_KEYS.contains(&key.as_str()) {
            pookie.push((key, value));
        } else {
            let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
            kept.push(format!("{key}='{quoted}'"));
        }
    }
    let config = parse_driver_config(&kept.join(" "), text, shown)?;
    postgres_with(config, pookie, shown)
}

/// Splits the keyword form into its `key=value` pairs (values in single
/// quotes may hold spaces, `\'` and `\\`); `None` when it is malformed.
fn keyword_pairs(text: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Some(pairs);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') || key.is_empty() {
            return None;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next()? {
                    '\\' => value.push(chars.next()?),
                    '\'' if chars.peek() == Some(&'\'') => {
                        chars.next();
                        value.push('\'');
                    }
                    '\'' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        pairs.push((key, value));
    }
}

/// Reads the driver's part of the settings; its errors name the setting and
/// are scrubbed of the passwords the original text held.
fn parse_driver_config(text: &str, original: &str, shown: &str) -> Result<postgres::Config> {
    let mut config: postgres::Config = text.parse().map_err(|error: postgres::Error| {
        let mut reason = error.to_string();
        if let Some(source) = std::error::Error::source(&error) {
            reason = format!("{reason}: {source}");
        }
        let secrets = passwords_in(original);
        let mut reason = scrub(&reason, &secrets);
        // The driver quotes the character it stumbled on, which may belong to a password.
        if reason.contains("unexpected character") {
            reason = "the text could not be read as a URL or keyword string".into();
        }
        let hint = if original.contains("://") && original.matches('@').count() > 1
            || original.contains("://")
                && original
                    .split_once("://")
                    .and_then(|(_, rest)| rest.rsplit_once('@'))
                    .is_some_and(|(credentials, _)| credentials.contains(['/', '?', '#']))
        {
            " (a password holding `@`, `/`, `?` or `#` must be percent-encoded: %40, %2F, %3F, %23)"
        } else {
            ""
        };
        Error::connection(
            format!("invalid PostgreSQL URL `{shown}`: {reason}{hint}"),
            None,
        )
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    Ok(config)
}

fn postgres_with(
    config: postgres::Config,
    settings: Vec<(String, String)>,
    shown: &str,
) -> Result<ConnectOptions> {
    let mut pg = PgOptions::new(config);
    let mut pool = Vec::new();
    for (key, value) in settings {
        if POOL_KEYS.contains(&key.as_str()) {
            pool.push((key, value));
        } else {
            pg.apply(&key, &value, shown)?;
        }
    }
    let mut options = ConnectOptions::new(Engine::Postgres(Box::new(pg)));
    for (key, value) in pool {
        options.apply_pool_param(&key, &value, shown)?;
    }
    Ok(options)
}

/// The URL of the database, with the password replaced by `***`.
impl fmt::Display for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.engine {
            Engine::SqliteMemory => f.write_str("sqlite://:memory:"),
            Engine::SqliteFile(path) => write!(f, "sqlite:///{}", path.display()),
            Engine::Postgres(pg) => {
                let config = &pg.config;
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

/// Every setting but the password.
impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ConnectOptions");
        out.field("url", &self.to_string())
            .field("pool", &self.pool);
        match &self.engine {
            Engine::Postgres(pg) => {
                out.field("tls", &pg.tls)
                    .field("statement_timeout", &pg.statement_timeout)
                    .field("lock_timeout", &pg.lock_timeout)
                    .field(
                        "idle_in_transaction_session_timeout",
                        &pg.idle_in_transaction_timeout,
                    )
                    .field("statement_cache", &pg.statement_cache)
                    .field("application_name", &pg.config.get_application_name())
                    .field("connect_timeout", &pg.config.get_connect_timeout());
            }
            _ => {
                out.field("busy_timeout", &self.busy_timeout);
            }
        }
        out.finish()
    }
}

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
    fn the_keyword_form_and_pookie_settings_are_read() {
        let options = ConnectOptions::from_url(
            "host=db.example port=6000 user=app password='it''s secret' dbname=shop \
             sslmode=verify-full sslrootcert=/etc/ca.pem statement_timeout=1.5s application_name=web",
        )
        .unwrap();
        assert_eq!(
            options.to_string(),
            "postgresql://app:***@db.example:6000/shop"
        );
        let Engine::Postgres(pg) = &options.engine else {
            panic!("a PostgreSQL database")
        };
        assert_eq!(pg.config.get_password(), Some(&b"it's secret"[..]));
        assert_eq!(pg.tls.mode, SslMode::VerifyFull);
        assert_eq!(pg.statement_timeout, Some(Duration::from_millis(1500)));
        assert_eq!(pg.config.get_application_name(), Some("web"));
        let startup = pg.startup_config();
        assert_eq!(startup.get_options(), Some("-c statement_timeout=1500"));
        let bouncer =
            ConnectOptions::from_url("postgresql://u@h/db?pgbouncer=true&lock_timeout=1min");
        assert!(bouncer.unwrap_err().to_string().contains("PgBouncer"));
        let sqlite = ConnectOptions::from_url("sqlite:///x.db?busy_timeout=250").unwrap();
        assert_eq!(sqlite.busy_timeout, Duration::from_millis(250));
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
