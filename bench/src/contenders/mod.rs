//! The three implementations compared: hand-written driver code, Pookie and
//! Diesel. Each runs the same operations on its own copy of the same tables.
//! The async mode compares two: hand-written async driver code and Pookie's
//! `AsyncDb`.

mod async_raw;
mod diesel_orm;
mod pookie_async;
mod pookie_orm;
mod raw;

pub use async_raw::AsyncRawContender;
pub use diesel_orm::DieselContender;
pub use pookie_async::PookieAsyncContender;
pub use pookie_orm::PookieContender;
pub use raw::RawContender;

/// A new user: name and hair colour.
pub type NewUserData = (String, Option<String>);

/// A proposed tally: key and count.
pub type TallyData = (String, i32);

/// Where each implementation keeps its tables.
#[derive(Debug, Clone)]
pub enum Target {
    /// A private in-memory SQLite database.
    SqliteMemory,
    /// A schema of its own on this PostgreSQL server.
    Postgres {
        /// The server URL (without options).
        url: String,
        /// The schema name.
        schema: String,
    },
}

impl Target {
    /// The URL with the schema as the search path, without TLS.
    pub fn postgres_url(url: &str, schema: &str) -> String {
        let separator = if url.contains('?') { '&' } else { '?' };
        // The raw driver code connects without TLS (`NoTls`): Pookie and
        // Diesel do the same, so that no side pays for encryption.
        let plain = if url.contains("sslmode=") {
            ""
        } else {
            "&sslmode=disable"
        };
        format!("{url}{separator}options=-csearch_path%3D{schema}{plain}")
    }
}

/// One implementation under test.
pub trait Contender {
    /// Its name in the results table.
    fn name(&self) -> &'static str;
    /// Runs a script of statements without parameters (schema and seed data).
    fn run_script(&mut self, sql: &str);
    /// Loads every user into structs; returns how many.
    fn all_users(&mut self) -> usize;
    /// Loads one user by primary key; returns its name's length.
    fn user_by_id(&mut self, id: i32) -> usize;
    /// Inserts the users with one multi-row INSERT; `None` when the
    /// implementation has no such operation yet.
    fn insert_users(&mut self, users: &[NewUserData]) -> Option<()>;
    /// Inserts the users with multi-row INSERTs of at most 1,000 rows, in one transaction.
    fn bulk_insert_in_transaction(&mut self, users: &[NewUserData]);
    /// Inserts the users one statement each, in one transaction.
    fn insert_users_in_transaction(&mut self, users: &[NewUserData]);
    /// Users with the given hair colour, each with its posts (LEFT JOIN);
    /// returns the number of (user, post) pairs, or `None` when not supported.
    fn users_with_posts(&mut self, hair_color: &str) -> Option<usize>;
    /// Posts whose user has the given hair colour, each with its user (INNER
    /// JOIN); returns the number of posts, or `None` when not supported.
    fn posts_with_users(&mut self, hair_color: &str) -> Option<usize>;
    /// Every user with its posts and every post with its comments: three
    /// queries (users, their posts, those posts' comments), grouped in
    /// memory. Returns the number of comments reached through the users, or
    /// `None` when not supported.
    fn users_posts_comments(&mut self) -> Option<usize>;
    /// Upserts the tallies with one multi-row `INSERT … ON CONFLICT (key) DO
    /// UPDATE SET count = EXCLUDED.count RETURNING …`, reading the stored
    /// rows into structs (Pookie's upsert always gives them back); returns
    /// how many rows came back.
    fn upsert_tallies(&mut self, tallies: &[TallyData]) -> usize;
}
