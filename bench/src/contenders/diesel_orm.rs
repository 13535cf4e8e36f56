//! Diesel, used the way its own benchmark suite uses it: derived structs,
//! owned values, the statement cache on (its default).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::{Contender, NewUserData, TallyData, Target};

mod schema {
    diesel::table! {
        users (id) {
            id -> Integer,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> Integer,
            user_id -> Integer,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments (id) {
            id -> Integer,
            post_id -> Integer,
            text -> Text,
        }
    }

    diesel::table! {
        tallies (id) {
            id -> Integer,
            key -> Text,
            count -> Integer,
        }
    }

    diesel::joinable!(comments -> posts (post_id));
    diesel::joinable!(posts -> users (user_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);
}

use schema::{comments, posts, tallies, users};

#[derive(Queryable, Selectable, Identifiable, Debug)]
#[diesel(table_name = users)]
#[allow(dead_code)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug)]
#[diesel(table_name = posts, belongs_to(User))]
#[allow(dead_code)]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug)]
#[diesel(table_name = comments, belongs_to(Post))]
#[allow(dead_code)]
struct Comment {
    id: i32,
    post_id: i32,
    text: String,
}

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = tallies)]
#[allow(dead_code)]
struct Tally {
    id: i32,
    key: String,
    count: i32,
}

#[derive(Insertable)]
#[diesel(table_name = tallies)]
struct NewTally<'a> {
    key: &'a str,
    count: i32,
}

/// Users, each with its posts, each with its comments.
type UserTree = Vec<(User, Vec<(Post, Vec<Comment>)>)>;

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Diesel with its query builder.
pub struct DieselContender {
    connection: AnyConnection,
}

macro_rules! on_connection {
    ($self:expr, $conn:ident => $body:expr) => {
        match &mut $self.connection {
            AnyConnection::Sqlite($conn) => $body,
            AnyConnection::Postgres($conn) => $body,
        }
    };
}

fn new_users(users: &[NewUserData]) -> Vec<NewUser<'_>> {
    users
        .iter()
        .map(|(name, hair_color)| NewUser {
            name,
            hair_color: hair_color.as_deref(),
        })
        .collect()
}

impl DieselContender {
    pub fn new(target: &Target) -> Self {
        let connection = match target {
            Target::SqliteMemory => {
                let mut connection = SqliteConnection::establish(":memory:").unwrap();
                diesel::sql_query("PRAGMA foreign_keys = ON")
                    .execute(&mut connection)
                    .unwrap();
                AnyConnection::Sqlite(connection)
            }
            Target::Postgres { url, schema } => {
                let mut admin = PgConnection::establish(url).unwrap();
                diesel::sql_query(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .execute(&mut admin)
                    .unwrap();
                AnyConnection::Postgres(
                    PgConnection::establish(&Target::postgres_url(url, schema)).unwrap(),
                )
            }
        };
        DieselContender { connection }
    }
}

impl Contender for DieselContender {
    fn name(&self) -> &'static str {
        "diesel"
    }

    fn run_script(&mut self, sql: &str) {
        on_connection!(self, c => c.batch_execute(sql).unwrap())
    }

    fn all_users(&mut self) -> usize {
        let users: Vec<User> =
            on_connection!(self, c => users::table.select(User::as_select()).load(c).unwrap());
        std::hint::black_box(&users);
        users.len()
    }

    fn user_by_id(&mut self, id: i32) -> usize {
        let user: User = on_connection!(self, c => users::table.filter(users::id.eq(id)).select(User::as_select()).get_result(c).unwrap());
        std::hint::black_box(&user);
        user.name.len()
    }

    fn insert_users(&mut self, users: &[NewUserData]) -> Option<()> {
        let rows = new_users(users);
        on_connection!(self, c => diesel::insert_into(users::table).values(&rows).execute(c).unwrap());
        Some(())
    }

    fn bulk_insert_in_transaction(&mut self, users: &[NewUserData]) {
        let rows = new_users(users);
        on_connection!(self, c => c
            .transaction::<_, diesel::result::Error, _>(|c| {
                for chunk in rows.chunks(1000) {
                    diesel::insert_into(users::table).values(chunk).execute(c)?;
                }
                Ok(())
            })
            .unwrap())
    }

    fn insert_users_in_transaction(&mut self, users: &[NewUserData]) {
        on_connection!(self, c => c
            .transaction::<_, diesel::result::Error, _>(|c| {
                for (name, hair_color) in users {
                    diesel::insert_into(users::table)
                        .values(NewUser { name, hair_color: hair_color.as_deref() })
                        .execute(c)?;
                }
                Ok(())
            })
            .unwrap())
    }

    fn users_with_posts(&mut self, hair_color: &str) -> Option<usize> {
        let pairs: Vec<(User, Option<Post>)> = on_connection!(self, c => users::table
            .left_join(posts::table)
            .filter(users::hair_color.eq(hair_color))
            .select((User::as_select(), Option::<Post>::as_select()))
            .load(c)
            .unwrap());
        std::hint::black_box(&pairs);
        Some(pairs.len())
    }

    fn posts_with_users(&mut self, hair_color: &str) -> Option<usize> {
        let pairs: Vec<(Post, User)> = on_connection!(self, c => posts::table
            .inner_join(users::table)
            .filter(users::hair_color.eq(hair_color))
            .select((Post::as_select(), User::as_select()))
            .load(c)
            .unwrap());
        std::hint::black_box(&pairs);
        Some(pairs.len())
    }

    fn users_posts_comments(&mut self) -> Option<usize> {
        // As diesel_bench's `loading_associations_sequentially` does it.
        let tree: UserTree = on_connection!(self, c => {
            let users = users::table.select(User::as_select()).load(c).unwrap();
            let posts = Post::belonging_to(&users)
                .select(Post::as_select())
                .load(c)
                .unwrap();
            let comments = Comment::belonging_to(&posts)
                .select(Comment::as_select())
                .load(c)
                .unwrap()
                .grouped_by(&posts);
            let posts = posts.into_iter().zip(comments).grouped_by(&users);
            users.into_iter().zip(posts).collect()
        });
        std::hint::black_box(&tree);
        Some(
            tree.iter()
                .flat_map(|(_, posts)| posts)
                .map(|(_, comments)| comments.len())
                .sum(),
        )
    }

    fn upsert_tallies(&mut self, tallies: &[TallyData]) -> usize {
        use diesel::upsert::excluded;
        let rows: Vec<NewTally<'_>> = tallies
            .iter()
            .map(|(key, count)| NewTally { key, count: *count })
            .collect();
        let stored: Vec<Tally> = on_connection!(self, c => diesel::insert_into(tallies::table)
            .values(&rows)
            .on_conflict(tallies::key)
            .do_update()
            .set(tallies::count.eq(excluded(tallies::count)))
            .returning(Tally::as_returning())
            .get_results(c)
            .unwrap());
        std::hint::black_box(&stored);
        stored.len()
    }
}
