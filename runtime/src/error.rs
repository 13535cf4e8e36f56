//! The one error type of the runtime.

use std::fmt;

/// A boxed driver or parsing error kept as the source of an [`Error`].
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong when talking to the database. The driver's own error, when
/// there is one, is kept as [`std::error::Error::source`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// `get` found no row. The message names the model and the columns
    /// searched, never the values (a token or an email would land in logs);
    /// the values are in `filter`, shown only by [`Searched::reveal`].
    DoesNotExist {
        /// The model that was queried.
        model: &'static str,
        /// The columns searched (`slug`, `author_id, slug`), and how to fix a
        /// misuse when there is one; no values.
        columns: String,
        /// The condition that matched nothing, with its values: hidden from
        /// `Display` and `Debug`.
        filter: Searched,
    },
    /// `get` found more than one row.
    MultipleObjectsReturned {
        /// The model that was queried.
        model: &'static str,
        /// How many rows matched.
        count: u64,
    },
    /// `full_clean` found invalid values: every failing field with its message
    /// (PookieDB's `ValidationError`; `.field()` names a single failing field).
    /// Nothing was written.
    Validation(crate::validation::ValidationError),
    /// A constraint of the database refused the write: UNIQUE, NOT NULL, FOREIGN KEY or CHECK.
    Integrity {
        /// The database's explanation, naming the constraint or column.
        message: String,
        /// The driver error.
        source: Source,
    },
    /// A delete refused because rows point at what it would delete with
    /// `on_delete = PROTECT` (directly, or at rows it would cascade to).
    /// Nothing was deleted.
    Protected {
        /// The model whose rows were to be deleted.
        model: &'static str,
        /// The rows in the way, by relation.
        blockers: Vec<crate::relations::Blocker>,
    },
    /// The database could not be reached or the connection settings are wrong.
    /// Never contains a password.
    Connection {
        /// What was wrong and how to fix it.
        message: String,
        /// The underlying error, if any.
        source: Option<Source>,
    },
    /// A column could not be read into its Rust type.
    Decode {
        /// The column's name as the database reported it.
        column: String,
        /// Why it could not be read.
        message: String,
    },
    /// A request that cannot be carried out as written (an unknown database
    /// alias, a value that does not fit the column type, …).
    Usage {
        /// What was wrong and how to fix it.
        message: String,
    },
    /// An error raised by user code, such as a hook refusing a save.
    Custom {
        /// What the user code said.
        message: String,
    },
    /// A migration could not be applied or undone, or the migrations and the
    /// database's history disagree (an edited applied migration, a missing
    /// function, an irreversible migration in a rollback, …). The message
    /// names the migration, the statement or function and the cause; a
    /// failing migration left nothing behind.
    Migration {
        /// The migration concerned, when the problem is one migration's.
        migration: Option<String>,
        /// What went wrong and how to fix it.
        message: String,
        /// The database's or the function's error, if any.
        source: Option<Source>,
    },
    /// The server cancelled a statement that ran past `statement_timeout`,
    /// or gave up waiting for a lock after `lock_timeout`, or ended a session
    /// left idle in a transaction. The connection stays usable after the
    /// first two; the transaction, if any, is aborted.
    Timeout {
        /// The server's message, saying which timeout it was.
        message: String,
        /// The driver error.
        source: Source,
    },
    /// Any other error reported by the database.
    Database {
        /// The database's message.
        message: String,
        /// The driver error.
        source: Source,
    },
}

/// The condition of a lookup that found nothing, values included. Its
/// `Debug` and `Display` hide it (values may be secrets: a token, an email)
/// so that it never reaches a log by accident; [`reveal`](Self::reveal) gives
/// it for debugging.
///
/// ```
/// let error = pookie::Error::does_not_exist("Session", "token", "token = 's3cret'");
/// assert_eq!(error.to_string(), "Session matching query does not exist (searched by token)");
/// assert!(!format!("{error:?}").contains("s3cret"));
/// if let pookie::Error::DoesNotExist { filter, .. } = &error {
///     assert_eq!(filter.reveal(), "token = 's3cret'");
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Searched(String);

impl Searched {
    /// The condition with its values, for debugging: do not log it.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Searched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Searched(<values hidden: call .reveal()>)")
    }
}

impl fmt::Display for Searched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<values hidden: call .reveal()>")
    }
}

/// `Result<T, pookie::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
        }
    }

    /// A [`Error::DoesNotExist`] for `model`, naming the `columns` searched;
    /// `filter` (the condition with its values) is kept hidden.
    pub fn does_not_exist(
        model: &'static str,
        columns: impl Into<String>,
        filter: impl Into<String>,
    ) -> Self {
        Error::DoesNotExist {
            model,
            columns: columns.into(),
            filter: Searched(filter.into()),
        }
    }

    pub(crate) fn connection(message: impl Into<String>, source: Option<Source>) -> Self {
        Error::Connection {
            message: message.into(),
            source,
        }
    }

    /// An error raised by user code, for example a hook that refuses a save.
    ///
    /// ```
    /// let error = pookie::Error::custom("posts cannot be deleted on Sundays");
    /// assert_eq!(error.to_string(), "posts cannot be deleted on Sundays");
    /// ```
    pub fn custom(message: impl Into<String>) -> Self {
        Error::Custom {
            message: message.into(),
        }
    }

    /// The validation errors, for [`Error::Validation`].
    pub fn validation(&self) -> Option<&crate::validation::ValidationError> {
        match self {
            Error::Validation(error) => Some(error),
            _ => None,
        }
    }

    /// The rows that blocked a delete, for [`Error::Protected`].
    pub fn blockers(&self) -> Option<&[crate::relations::Blocker]> {
        match self {
            Error::Protected { blockers, .. } => Some(blockers),
            _ => None,
        }
    }

    /// A migration error (see [`Error::Migration`]).
    pub(crate) fn migration(
        migration: Option<&str>,
        message: impl Into<String>,
        source: Option<Error>,
    ) -> Self {
        Error::Migration {
            migration: migration.map(str::to_owned),
            message: message.into(),
            source: source.map(|error| Box::new(error) as Source),
        }
    }

    /// The migration an [`Error::Migration`] is about, if it names one.
    pub fn migration_name(&self) -> Option<&str> {
        match self {
            Error::Migration { migration, .. } => migration.as_deref(),
            _ => None,
        }
    }

    /// True for [`Error::Timeout`]: a statement or lock wait cut short by a
    /// timeout the connection settings asked for.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True for [`Error::DoesNotExist`].
    pub fn is_does_not_exist(&self) -> bool {
        matches!(self, Error::DoesNotExist { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::DoesNotExist { model, columns, .. } => {
                write!(
                    f,
                    "{model} matching query does not exist (searched by {columns})"
                )
            }
            Error::MultipleObjectsReturned { model, count } => {
                write!(
                    f,
                    "get() returned more than one {model}: it returned {count}"
                )
            }
            Error::Validation(error) => write!(f, "{error}"),
            Error::Integrity { message, .. } => write!(f, "integrity error: {message}"),
            Error::Protected { model, blockers } => write!(
                f,
                "{}; delete or reassign them first",
                crate::relations::describe_blockers(model, blockers)
            ),
            Error::Connection { message, .. } => write!(f, "connection error: {message}"),
            Error::Decode { column, message } => {
                write!(f, "cannot read column `{column}`: {message}")
            }
            Error::Usage { message }
            | Error::Custom { message }
            | Error::Migration { message, .. } => f.write_str(message),
            Error::Timeout { message, .. } => write!(f, "timeout: {message}"),
            Error::Database { message, .. } => write!(f, "database error: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Integrity { source, .. }
            | Error::Database { source, .. }
            | Error::Timeout { source, .. } => Some(source.as_ref()),
            Error::Connection {
                source: Some(source),
                ..
            }
            | Error::Migration {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        let message = error.to_string();
        let is_constraint = matches!(
            &error,
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::ConstraintViolation
        );
        if is_constraint {
            Error::Integrity {
                message,
                source: Box::new(error),
            }
        } else {
            Error::Database {
                message,
                source: Box::new(error),
            }
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(error: postgres::Error) -> Self {
        if let Some(db_error) = error.as_db_error() {
            let mut message = db_error.message().to_owned();
            if let Some(detail) = db_error.detail() {
                message.push_str(": ");
                message.push_str(detail);
            }
            // 57014: cancelled (by statement_timeout when it says so); 55P03:
            // lock not available (lock_timeout); 25P03: idle in transaction too long.
            let code = db_error.code().code();
            let timed_out = match code {
                "57014" | "55P03" => db_error.message().contains("timeout"),
                "25P03" => true,
                _ => false,
            };
            if timed_out {
                return Error::Timeout {
                    message,
                    source: Box::new(error),
                };
            }
            // 22021 "character not in repertoire": PostgreSQL text cannot hold
            // NUL, and the server's "invalid byte sequence" would not say
            // that the value, not the encoding, is the problem.
            if db_error.code().code() == "22021" && db_error.message().contains("0x00") {
                return Error::usage(
                    "a text value contains a NUL character (U+0000), which PostgreSQL \
                     cannot store in or compare with text: remove the NUL from the value \
                     (or keep such data in a BinaryField)",
                );
            }
            // SQLSTATE class 23 is "integrity constraint violation".
            if code.starts_with("23") {
                return Error::Integrity {
                    message,
                    source: Box::new(error),
                };
            }
            return Error::Database {
                message,
                source: Box::new(error),
            };
        }
        if error.is_closed() {
            return Error::connection(
                "the connection to PostgreSQL was closed",
                Some(Box::new(error)),
            );
        }
        // "error serializing parameter 0" alone hides why: a value the
        // runtime refused to bind says so in the cause.
        let message = match std::error::Error::source(&error) {
            Some(cause) => format!("{error}: {cause}"),
            None => error.to_string(),
        };
        Error::Database {
            message,
            source: Box::new(error),
        }
    }
}
