//! The baseline: what a careful engineer writes by hand with rusqlite and
//! postgres — statements prepared once, columns read by index, no extra copies.

use std::collections::HashMap;

use postgres::fallible_iterator::FallibleIterator;

use super::{Contender, NewUserData, TallyData, Target};

#[allow(dead_code)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

#[allow(dead_code)]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
}

#[allow(dead_code)]
struct Tally {
    id: i32,
    key: String,
    count: i32,
}

#[allow(dead_code)]
struct Comment {
    id: i32,
    post_id: i32,
    text: String,
}

/// Users, each with its posts, each with its comments.
type UserTree = Vec<(User, Vec<(Post, Vec<Comment>)>)>;

enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<PgStatements>),
}

struct PgStatements {
    client: postgres::Client,
    all_users: postgres::Statement,
    user_by_id: postgres::Statement,
    insert_user: postgres::Statement,
    users_with_posts: postgres::Statement,
    posts_with_users: postgres::Statement,
    posts_of_users: postgres::Statement,
    comments_of_posts: postgres::Statement,
    multi_insert: Vec<(usize, postgres::Statement)>,
    upsert_tallies: Vec<(usize, postgres::Statement)>,
}

const ALL_USERS: &str = "SELECT id, name, hair_color FROM users";

/// A statement with one parameter at its end, in each dialect's placeholder:
/// constant texts, so no call formats one.
macro_rules! ending_in_a_parameter {
    ($($name:ident = $text:literal;)*) => {
        $(
            #[allow(non_snake_case)]
            mod $name {
                pub const SQLITE: &str = concat!($text, "?");
                pub const POSTGRES: &str = concat!($text, "$1");
            }
        )*
    };
}

ending_in_a_parameter! {
    USER_BY_ID = "SELECT id, name, hair_color FROM users WHERE id = ";
    USERS_WITH_POSTS = "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body \
         FROM users LEFT JOIN posts ON posts.user_id = users.id WHERE users.hair_color = ";
    POSTS_WITH_USERS = "SELECT posts.id, posts.user_id, posts.title, posts.body, users.id, users.name, users.hair_color \
         FROM posts INNER JOIN users ON users.id = posts.user_id WHERE users.hair_color = ";
}

const POSTS_OF_USERS: &str = "SELECT id, user_id, title, body FROM posts WHERE user_id ";
const COMMENTS_OF_POSTS: &str = "SELECT id, post_id, text FROM comments WHERE post_id ";
const INSERT_USERS: &str = "INSERT INTO users (name, hair_color) VALUES ";
const UPSERT_TALLIES: &str = "INSERT INTO tallies (key, count) VALUES ";
const ON_KEY_UPDATE_COUNT: &str =
    " ON CONFLICT (key) DO UPDATE SET count = excluded.count RETURNING id, key, count";

/// Hand-written driver code.
pub struct RawContender {
    connection: Connection,
    /// SQLite's `IN (?, …)` texts by prefix and length, so that the
    /// statement cache finds them without formatting them again.
    in_lists: Vec<(&'static str, usize, String)>,
    /// SQLite's multi-row INSERT texts by row count, for the same reason.
    multi_inserts: Vec<(usize, String)>,
    /// The upsert's SQLite text per row count, formatted once.
    upserts: Vec<(usize, String)>,
}

/// The text `{prefix}IN (?, ?, …)` with `count` placeholders, made once.
fn in_list<'a>(
    cache: &'a mut Vec<(&'static str, usize, String)>,
    prefix: &'static str,
    count: usize,
) -> &'a str {
    let position = match cache
        .iter()
        .position(|(p, n, _)| std::ptr::eq(*p, prefix) && *n == count)
    {
        Some(position) => position,
        None => {
            let mut sql = String::with_capacity(prefix.len() + 6 + count * 3);
            sql.push_str(prefix);
            sql.push_str("IN (");
            for i in 0..count {
                sql.push_str(if i == 0 { "?" } else { ", ?" });
            }
            sql.push(')');
            cache.push((prefix, count, sql));
            cache.len() - 1
        }
    };
    &cache[position].2
}

/// Puts each child under its parent: `parents` are the parent keys in order,
/// `parent_of` a child's key of its parent. Both orders are kept.
fn group<C>(
    parents: impl ExactSizeIterator<Item = i32>,
    children: Vec<C>,
    parent_of: impl Fn(&C) -> i32,
) -> Vec<Vec<C>> {
    let mut position = HashMap::with_capacity(parents.len());
    for (index, key) in parents.enumerate() {
        position.insert(key, index);
    }
    let mut groups: Vec<Vec<C>> = (0..position.len()).map(|_| Vec::new()).collect();
    for child in children {
        if let Some(&index) = position.get(&parent_of(&child)) {
            groups[index].push(child);
        }
    }
    groups
}

/// Joins the three loaded lists into the tree.
fn user_tree(users: Vec<User>, posts: Vec<Post>, comments: Vec<Comment>) -> UserTree {
    let comments = group(posts.iter().map(|p| p.id), comments, |c| c.post_id);
    let posts = posts.into_iter().zip(comments).collect();
    let posts = group(users.iter().map(|u| u.id), posts, |(p, _)| p.user_id);
    users.into_iter().zip(posts).collect()
}

fn sqlite_users(connection: &rusqlite::Connection) -> Vec<User> {
    let mut statement = connection.prepare_cached(ALL_USERS).unwrap();
    let mut rows = statement.raw_query();
    let mut users = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        users.push(User {
            id: row.get(0).unwrap(),
            name: row.get(1).unwrap(),
            hair_color: row.get(2).unwrap(),
        });
    }
    users
}

/// Runs `sql` with `keys` bound in order and maps each row.
fn sqlite_rows_for<T>(
    connection: &rusqlite::Connection,
    sql: &str,
    keys: impl Iterator<Item = i32>,
    mut read: impl FnMut(&rusqlite::Row<'_>) -> T,
) -> Vec<T> {
    let mut statement = connection.prepare_cached(sql).unwrap();
    for (index, key) in keys.enumerate() {
        statement.raw_bind_parameter(index + 1, key).unwrap();
    }
    let mut rows = statement.raw_query();
    let mut values = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        values.push(read(row));
    }
    values
}

fn placeholders(postgres: bool, rows: usize, columns: usize) -> String {
    let mut sql = String::new();
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            if postgres {
                sql.push_str(&format!("${}", row * columns + column + 1));
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

impl RawContender {
    pub fn new(target: &Target) -> Self {
        let connection = match target {
            Target::SqliteMemory => {
                let connection = rusqlite::Connection::open_in_memory().unwrap();
                connection
                    .pragma_update(None, "foreign_keys", "ON")
                    .unwrap();
                connection.set_prepared_statement_cache_capacity(64);
                Connection::Sqlite(connection)
            }
            Target::Postgres { url, schema } => {
                let url = Target::postgres_url(url, schema);
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                client
                    .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .unwrap();
                Connection::Postgres(Box::new(PgStatements {
                    all_users: client.prepare("SELECT 1").unwrap(),
                    user_by_id: client.prepare("SELECT 1").unwrap(),
                    insert_user: client.prepare("SELECT 1").unwrap(),
                    users_with_posts: client.prepare("SELECT 1").unwrap(),
                    posts_with_users: client.prepare("SELECT 1").unwrap(),
                    posts_of_users: client.prepare("SELECT 1").unwrap(),
                    comments_of_posts: client.prepare("SELECT 1").unwrap(),
                    multi_insert: Vec::new(),
                    upsert_tallies: Vec::new(),
                    client,
                }))
            }
        };
        RawContender {
            connection,
            in_lists: Vec::new(),
            multi_inserts: Vec::new(),
            upserts: Vec::new(),
        }
    }
}

impl RawContender {
    /// Runs `BEGIN` or `COMMIT`, keeping the prepared statements.
    fn transaction_control(&mut self, sql: &str) {
        match &mut self.connection {
            Connection::Sqlite(connection) => connection.execute_batch(sql).unwrap(),
            Connection::Postgres(pg) => pg.client.batch_execute(sql).unwrap(),
        }
    }
}

impl Contender for RawContender {
    fn name(&self) -> &'static str {
        "raw"
    }

    fn run_script(&mut self, sql: &str) {
        match &mut self.connection {
            Connection::Sqlite(connection) => connection.execute_batch(sql).unwrap(),
            Connection::Postgres(pg) => {
                pg.client.batch_execute(sql).unwrap();
                // Prepared once, after the tables exist, as an expert would.
                pg.all_users = pg.client.prepare(ALL_USERS).unwrap();
                pg.user_by_id = pg.client.prepare(USER_BY_ID::POSTGRES).unwrap();
                pg.insert_user = pg
                    .client
                    .prepare("INSERT INTO users (name, hair_color) VALUES ($1, $2)")
                    .unwrap();
                pg.users_with_posts = pg.client.prepare(USERS_WITH_POSTS::POSTGRES).unwrap();
                pg.posts_with_users = pg.client.prepare(POSTS_WITH_USERS::POSTGRES).unwrap();
                pg.posts_of_users = pg
                    .client
                    .prepare(&format!("{POSTS_OF_USERS}= ANY($1)"))
                    .unwrap();
                pg.comments_of_posts = pg
                    .client
                    .prepare(&format!("{COMMENTS_OF_POSTS}= ANY($1)"))
                    .unwrap();
                pg.multi_insert.clear();
                pg.upsert_tallies.clear();
            }
        }
    }

    fn all_users(&mut self) -> usize {
        let users: Vec<User> = match &mut self.connection {
            Connection::Sqlite(connection) => sqlite_users(connection),
            Connection::Postgres(pg) => {
                let mut rows = pg
                    .client
                    .query_raw(&pg.all_users, std::iter::empty::<i32>())
                    .unwrap();
                let mut users = Vec::new();
                while let Some(row) = rows.next().unwrap() {
                    users.push(User {
                        id: row.get(0),
                        name: row.get(1),
                        hair_color: row.get(2),
                    });
                }
                users
            }
        };
        std::hint::black_box(&users);
        users.len()
    }

    fn user_by_id(&mut self, id: i32) -> usize {
        let user = match &mut self.connection {
            Connection::Sqlite(connection) => {
                let mut statement = connection.prepare_cached(USER_BY_ID::SQLITE).unwrap();
                statement
                    .query_row([id], |row| {
                        Ok(User {
                            id: row.get(0)?,
                            name: row.get(1)?,
                            hair_color: row.get(2)?,
                        })
                    })
                    .unwrap()
            }
            Connection::Postgres(pg) => {
                let row = pg.client.query_one(&pg.user_by_id, &[&id]).unwrap();
                User {
                    id: row.get(0),
                    name: row.get(1),
                    hair_color: row.get(2),
                }
            }
        };
        std::hint::black_box(&user);
        user.name.len()
    }

    fn insert_users(&mut self, users: &[NewUserData]) -> Option<()> {
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let position = match self
                    .multi_inserts
                    .iter()
                    .position(|(n, _)| *n == users.len())
                {
                    Some(position) => position,
                    None => {
                        let sql = format!("{INSERT_USERS}{}", placeholders(false, users.len(), 2));
                        self.multi_inserts.push((users.len(), sql));
                        self.multi_inserts.len() - 1
                    }
                };
                let mut statement = connection
                    .prepare_cached(&self.multi_inserts[position].1)
                    .unwrap();
                for (index, (name, hair_color)) in users.iter().enumerate() {
                    statement.raw_bind_parameter(index * 2 + 1, name).unwrap();
                    statement
                        .raw_bind_parameter(index * 2 + 2, hair_color)
                        .unwrap();
                }
                statement.raw_execute().unwrap();
            }
            Connection::Postgres(pg) => {
                let statement = match pg.multi_insert.iter().find(|(n, _)| *n == users.len()) {
                    Some((_, statement)) => statement.clone(),
                    None => {
                        let sql = format!("{INSERT_USERS}{}", placeholders(true, users.len(), 2));
                        let statement = pg.client.prepare(&sql).unwrap();
                        pg.multi_insert.push((users.len(), statement.clone()));
                        statement
                    }
                };
                let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    Vec::with_capacity(users.len() * 2);
                for (name, hair_color) in users {
                    params.push(name);
                    params.push(hair_color);
                }
                pg.client.execute(&statement, &params).unwrap();
            }
        }
        Some(())
    }

    fn bulk_insert_in_transaction(&mut self, users: &[NewUserData]) {
        // Not `run_script`, which prepares every statement again.
        self.transaction_control("BEGIN");
        for chunk in users.chunks(1000) {
            self.insert_users(chunk);
        }
        self.transaction_control("COMMIT");
    }

    fn insert_users_in_transaction(&mut self, users: &[NewUserData]) {
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let transaction = connection.transaction().unwrap();
                {
                    let mut statement = transaction
                        .prepare_cached("INSERT INTO users (name, hair_color) VALUES (?, ?)")
                        .unwrap();
                    for (name, hair_color) in users {
                        statement.execute((name, hair_color)).unwrap();
                    }
                }
                transaction.commit().unwrap();
            }
            Connection::Postgres(pg) => {
                let mut transaction = pg.client.transaction().unwrap();
                for (name, hair_color) in users {
                    transaction
                        .execute(&pg.insert_user, &[name, hair_color])
                        .unwrap();
                }
                transaction.commit().unwrap();
            }
        }
    }

    fn users_with_posts(&mut self, hair_color: &str) -> Option<usize> {
        let pairs: Vec<(User, Option<Post>)> = match &mut self.connection {
            Connection::Sqlite(connection) => {
                let mut statement = connection.prepare_cached(USERS_WITH_POSTS::SQLITE).unwrap();
                statement
                    .query_map([hair_color], |row| {
                        let user = User {
                            id: row.get(0)?,
                            name: row.get(1)?,
                            hair_color: row.get(2)?,
                        };
                        let post = match row.get::<_, Option<i32>>(3)? {
                            Some(id) => Some(Post {
                                id,
                                user_id: row.get(4)?,
                                title: row.get(5)?,
                                body: row.get(6)?,
                            }),
                            None => None,
                        };
                        Ok((user, post))
                    })
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Connection::Postgres(pg) => {
                let mut rows = pg
                    .client
                    .query_raw(&pg.users_with_posts, [hair_color])
                    .unwrap();
                let mut pairs = Vec::new();
                while let Some(row) = rows.next().unwrap() {
                    let user = User {
                        id: row.get(0),
                        name: row.get(1),
                        hair_color: row.get(2),
                    };
                    let post = row.get::<_, Option<i32>>(3).map(|id| Post {
                        id,
                        user_id: row.get(4),
                        title: row.get(5),
                        body: row.get(6),
                    });
                    pairs.push((user, post));
                }
                pairs
            }
        };
        std::hint::black_box(&pairs);
        Some(pairs.len())
    }

    fn posts_with_users(&mut self, hair_color: &str) -> Option<usize> {
        let pairs: Vec<(Post, User)> = match &mut self.connection {
            Connection::Sqlite(connection) => {
                let mut statement = connection.prepare_cached(POSTS_WITH_USERS::SQLITE).unwrap();
                statement.raw_bind_parameter(1, hair_color).unwrap();
                let mut rows = statement.raw_query();
                let mut pairs = Vec::new();
                while let Some(row) = rows.next().unwrap() {
                    pairs.push((
                        Post {
                            id: row.get(0).unwrap(),
                            user_id: row.get(1).unwrap(),
                            title: row.get(2).unwrap(),
                            body: row.get(3).unwrap(),
                        },
                        User {
                            id: row.get(4).unwrap(),
                            name: row.get(5).unwrap(),
                            hair_color: row.get(6).unwrap(),
                        },
                    ));
                }
                pairs
            }
            Connection::Postgres(pg) => {
                let mut rows = pg
                    .client
                    .query_raw(&pg.posts_with_users, [hair_color])
                    .unwrap();
                let mut pairs = Vec::new();
                while let Some(row) = rows.next().unwrap() {
                    pairs.push((
                        Post {
                            id: row.get(0),
                            user_id: row.get(1),
                            title: row.get(2),
                            body: row.get(3),
                        },
                        User {
                            id: row.get(4),
                            name: row.get(5),
                            hair_color: row.get(6),
                        },
                    ));
                }
                pairs
            }
        };
        std::hint::black_box(&pairs);
        Some(pairs.len())
    }

    fn users_posts_comments(&mut self) -> Option<usize> {
        let tree = match &mut self.connection {
            Connection::Sqlite(connection) => {
                let users = sqlite_users(connection);
                let sql = in_list(&mut self.in_lists, POSTS_OF_USERS, users.len());
                let posts =
                    sqlite_rows_for(connection, sql, users.iter().map(|u| u.id), |row| Post {
                        id: row.get(0).unwrap(),
                        user_id: row.get(1).unwrap(),
                        title: row.get(2).unwrap(),
                        body: row.get(3).unwrap(),
                    });
                let sql = in_list(&mut self.in_lists, COMMENTS_OF_POSTS, posts.len());
                let comments =
                    sqlite_rows_for(connection, sql, posts.iter().map(|p| p.id), |row| Comment {
                        id: row.get(0).unwrap(),
                        post_id: row.get(1).unwrap(),
                        text: row.get(2).unwrap(),
                    });
                user_tree(users, posts, comments)
            }
            Connection::Postgres(pg) => {
                let PgStatements {
                    client,
                    all_users,
                    posts_of_users,
                    comments_of_posts,
                    ..
                } = &mut **pg;
                let users = pg_rows(client, all_users, None, |row| User {
                    id: row.get(0),
                    name: row.get(1),
                    hair_color: row.get(2),
                });
                let keys: Vec<i32> = users.iter().map(|u| u.id).collect();
                let posts = pg_rows(client, posts_of_users, Some(&keys), |row| Post {
                    id: row.get(0),
                    user_id: row.get(1),
                    title: row.get(2),
                    body: row.get(3),
                });
                let keys: Vec<i32> = posts.iter().map(|p| p.id).collect();
                let comments = pg_rows(client, comments_of_posts, Some(&keys), |row| Comment {
                    id: row.get(0),
                    post_id: row.get(1),
                    text: row.get(2),
                });
                user_tree(users, posts, comments)
            }
        };
        std::hint::black_box(&tree);
        Some(comments_in(&tree))
    }

    fn upsert_tallies(&mut self, tallies: &[TallyData]) -> usize {
        let sql_for = |postgres: bool| {
            format!(
                "{UPSERT_TALLIES}{}{ON_KEY_UPDATE_COUNT}",
                placeholders(postgres, tallies.len(), 2)
            )
        };
        let mut stored = Vec::with_capacity(tallies.len());
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let position = match self.upserts.iter().position(|(n, _)| *n == tallies.len()) {
                    Some(position) => position,
                    None => {
                        self.upserts.push((tallies.len(), sql_for(false)));
                        self.upserts.len() - 1
                    }
                };
                let mut statement = connection
                    .prepare_cached(&self.upserts[position].1)
                    .unwrap();
                for (index, (key, count)) in tallies.iter().enumerate() {
                    statement.raw_bind_parameter(index * 2 + 1, key).unwrap();
                    statement.raw_bind_parameter(index * 2 + 2, count).unwrap();
                }
                let mut rows = statement.raw_query();
                while let Some(row) = rows.next().unwrap() {
                    stored.push(Tally {
                        id: row.get(0).unwrap(),
                        key: row.get(1).unwrap(),
                        count: row.get(2).unwrap(),
                    });
                }
            }
            Connection::Postgres(pg) => {
                let statement = match pg.upsert_tallies.iter().find(|(n, _)| *n == tallies.len()) {
                    Some((_, statement)) => statement.clone(),
                    None => {
                        let statement = pg.client.prepare(&sql_for(true)).unwrap();
                        pg.upsert_tallies.push((tallies.len(), statement.clone()));
                        statement
                    }
                };
                let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    Vec::with_capacity(tallies.len() * 2);
                for (key, count) in tallies {
                    params.push(key);
                    params.push(count);
                }
                let mut rows = pg.client.query_raw(&statement, params).unwrap();
                while let Some(row) = rows.next().unwrap() {
                    stored.push(Tally {
                        id: row.get(0),
                        key: row.get(1),
                        count: row.get(2),
                    });
                }
            }
        }
        std::hint::black_box(&stored);
        stored.len()
    }
}

/// Runs a prepared statement, with the keys as its one array parameter if
/// given, and maps each row.
fn pg_rows<T>(
    client: &mut postgres::Client,
    statement: &postgres::Statement,
    keys: Option<&Vec<i32>>,
    mut read: impl FnMut(&postgres::Row) -> T,
) -> Vec<T> {
    let mut rows = client.query_raw(statement, keys).unwrap();
    let mut values = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        values.push(read(&row));
    }
    values
}

fn comments_in(tree: &UserTree) -> usize {
    tree.iter()
        .flat_map(|(_, posts)| posts)
        .map(|(_, comments)| comments.len())
        .sum()
}
