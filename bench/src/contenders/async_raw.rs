//! The async baseline: what a tokio user writes by hand. On PostgreSQL, a
//! deadpool-postgres pool of tokio-postgres clients, statements prepared
//! once per connection (`prepare_cached`), columns read by index. On SQLite,
//! rusqlite on tokio's blocking threads (`spawn_blocking`), a connection from
//! an r2d2 pool and a cached statement.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use r2d2_sqlite::SqliteConnectionManager;

use super::NewUserData;

#[allow(dead_code)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

const USER_BY_ID_PG: &str = "SELECT id, name, hair_color FROM users WHERE id = $1";
const USER_BY_ID_SQLITE: &str = "SELECT id, name, hair_color FROM users WHERE id = ?";
const TEN_USERS_PG: &str = "SELECT id, name, hair_color FROM users WHERE hair_color = $1 LIMIT 10";
const TEN_USERS_SQLITE: &str =
    "SELECT id, name, hair_color FROM users WHERE hair_color = ? LIMIT 10";
const INSERT_USER_PG: &str = "INSERT INTO users (name, hair_color) VALUES ($1, $2) RETURNING id";
const INSERT_USER_SQLITE: &str = "INSERT INTO users (name, hair_color) VALUES (?, ?)";

/// Hand-written async driver code; cheap to clone into tasks.
#[derive(Clone)]
pub enum AsyncRawContender {
    Postgres(Pool),
    Sqlite(r2d2::Pool<SqliteConnectionManager>),
}

impl AsyncRawContender {
    /// A pool of `size` connections to `url` (a URL `tokio_postgres` reads).
    pub fn postgres(url: &str, size: usize) -> Self {
        let config: tokio_postgres::Config = url.parse().unwrap();
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        AsyncRawContender::Postgres(Pool::builder(manager).max_size(size).build().unwrap())
    }

    /// A pool of `size` connections to the SQLite file `path`, set up as
    /// Pookie sets its own up (WAL, `synchronous = NORMAL`, foreign keys), so
    /// that both sides pay the same for a write.
    pub fn sqlite(path: &std::path::Path, size: u32) -> Self {
        let manager = SqliteConnectionManager::file(path).with_init(|connection| {
            connection.busy_timeout(std::time::Duration::from_secs(5))?;
            connection.execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
        });
        AsyncRawContender::Sqlite(r2d2::Pool::builder().max_size(size).build(manager).unwrap())
    }

    /// Loads one user by primary key; returns its name's length.
    pub async fn user_by_id(&self, id: i32) -> usize {
        let user = match self {
            AsyncRawContender::Postgres(pool) => {
                let client = pool.get().await.unwrap();
                let statement = client.prepare_cached(USER_BY_ID_PG).await.unwrap();
                let row = client.query_one(&statement, &[&id]).await.unwrap();
                User {
                    id: row.get(0),
                    name: row.get(1),
                    hair_color: row.get(2),
                }
            }
            AsyncRawContender::Sqlite(pool) => {
                let pool = pool.clone();
                tokio::task::spawn_blocking(move || {
                    let connection = pool.get().unwrap();
                    let mut statement = connection.prepare_cached(USER_BY_ID_SQLITE).unwrap();
                    statement
                        .query_row([id], |row| {
                            Ok(User {
                                id: row.get(0)?,
                                name: row.get(1)?,
                                hair_color: row.get(2)?,
                            })
                        })
                        .unwrap()
                })
                .await
                .unwrap()
            }
        };
        std::hint::black_box(&user);
        user.name.len()
    }

    /// Loads the first ten users with this hair colour; returns how many.
    pub async fn ten_users(&self, hair_color: &'static str) -> usize {
        let users = match self {
            AsyncRawContender::Postgres(pool) => {
                let client = pool.get().await.unwrap();
                let statement = client.prepare_cached(TEN_USERS_PG).await.unwrap();
                let rows = client.query(&statement, &[&hair_color]).await.unwrap();
                rows.iter()
                    .map(|row| User {
                        id: row.get(0),
                        name: row.get(1),
                        hair_color: row.get(2),
                    })
                    .collect::<Vec<_>>()
            }
            AsyncRawContender::Sqlite(pool) => {
                let pool = pool.clone();
                tokio::task::spawn_blocking(move || {
                    let connection = pool.get().unwrap();
                    let mut statement = connection.prepare_cached(TEN_USERS_SQLITE).unwrap();
                    let rows = statement
                        .query_map([hair_color], |row| {
                            Ok(User {
                                id: row.get(0)?,
                                name: row.get(1)?,
                                hair_color: row.get(2)?,
                            })
                        })
                        .unwrap();
                    rows.collect::<Result<Vec<_>, _>>().unwrap()
                })
                .await
                .unwrap()
            }
        };
        std::hint::black_box(&users);
        users.len()
    }

    /// Inserts one user and returns it with its new key, as Pookie's
    /// `create` does; returns the key.
    pub async fn insert_user(&self, (name, hair_color): &NewUserData) -> i32 {
        let user = match self {
            AsyncRawContender::Postgres(pool) => {
                let client = pool.get().await.unwrap();
                let statement = client.prepare_cached(INSERT_USER_PG).await.unwrap();
                let row = client
                    .query_one(&statement, &[name, hair_color])
                    .await
                    .unwrap();
                User {
                    id: row.get(0),
                    name: name.clone(),
                    hair_color: hair_color.clone(),
                }
            }
            AsyncRawContender::Sqlite(pool) => {
                let pool = pool.clone();
                let (name, hair_color) = (name.clone(), hair_color.clone());
                tokio::task::spawn_blocking(move || {
                    let connection = pool.get().unwrap();
                    let mut statement = connection.prepare_cached(INSERT_USER_SQLITE).unwrap();
                    statement.execute((&name, &hair_color)).unwrap();
                    User {
                        id: connection.last_insert_rowid() as i32,
                        name,
                        hair_color,
                    }
                })
                .await
                .unwrap()
            }
        };
        std::hint::black_box(&user);
        user.id
    }
}
