//! Pookie, used as its README shows.

use std::borrow::Cow;

use pookie::{Db, OnConflict};

use super::{Contender, NewUserData, TallyData, Target};
use crate::models::{post, tally, user, NewTally, NewUser, Post, Tally, User};

/// Pookie's generated models and runtime.
pub struct PookieContender {
    db: Db,
}

impl PookieContender {
    pub fn new(target: &Target) -> Self {
        let db = match target {
            Target::SqliteMemory => Db::connect("sqlite://:memory:").unwrap(),
            Target::Postgres { url, schema } => {
                let admin = Db::connect(url).unwrap();
                admin
                    .execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""), &[])
                    .unwrap();
                Db::connect(&Target::postgres_url(url, schema)).unwrap()
            }
        };
        PookieContender { db }
    }

    fn new_user((name, hair_color): &NewUserData) -> NewUser<String> {
        NewUser::new()
            .name(name.as_str())
            .hair_color(hair_color.clone())
    }
}

impl Contender for PookieContender {
    fn name(&self) -> &'static str {
        "pookie"
    }

    fn run_script(&mut self, sql: &str) {
        for statement in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
            self.db.execute(statement, &[]).unwrap();
        }
    }

    fn all_users(&mut self) -> usize {
        let users = User::objects().all(&self.db).unwrap();
        std::hint::black_box(&users);
        users.len()
    }

    fn user_by_id(&mut self, id: i32) -> usize {
        let user = User::get(&self.db, id).unwrap();
        std::hint::black_box(&user);
        user.name.len()
    }

    fn insert_users(&mut self, users: &[NewUserData]) -> Option<()> {
        let forms = users.iter().map(Self::new_user);
        let created = User::objects()
            .bulk_create(&self.db, forms, users.len())
            .unwrap();
        std::hint::black_box(&created);
        Some(())
    }

    fn bulk_insert_in_transaction(&mut self, users: &[NewUserData]) {
        self.db
            .transaction(|tx| {
                let forms = users.iter().map(Self::new_user);
                User::objects().bulk_create(tx, forms, 1000).map(drop)
            })
            .unwrap();
    }

    fn insert_users_in_transaction(&mut self, users: &[NewUserData]) {
        self.db
            .transaction(|tx| {
                for user in users {
                    User::objects().create(tx, Self::new_user(user))?;
                }
                Ok(())
            })
            .unwrap();
    }

    fn users_with_posts(&mut self, hair_color: &str) -> Option<usize> {
        // Pookie returns models, not (user, post) pairs: the same content as
        // the LEFT JOIN is each matching user with its posts (see BENCHMARKS.md).
        let users = User::objects()
            .filter(user::hair_color.eq(hair_color))
            .prefetch_related(user::posts)
            .all(&self.db)
            .unwrap();
        std::hint::black_box(&users);
        // The LEFT JOIN's row count: one per post, and one for a user without any.
        Some(
            users
                .iter()
                .map(|user| {
                    let posts = user.posts().loaded().expect("the posts are prefetched");
                    posts.len().max(1)
                })
                .sum(),
        )
    }

    fn posts_with_users(&mut self, hair_color: &str) -> Option<usize> {
        let posts = Post::objects()
            .filter(post::user.is(user::hair_color.eq(hair_color)))
            .select_related(post::user)
            .all(&self.db)
            .unwrap();
        std::hint::black_box(&posts);
        // Reading each post's user is part of the work; it must not query.
        Some(
            posts
                .iter()
                .filter(|post| matches!(post.user(&self.db), Ok(Cow::Borrowed(_))))
                .count(),
        )
    }

    fn users_posts_comments(&mut self) -> Option<usize> {
        let users = User::objects()
            .prefetch_related(user::posts.then(post::comments))
            .all(&self.db)
            .unwrap();
        std::hint::black_box(&users);
        Some(
            users
                .iter()
                .flat_map(|user| user.posts().loaded().expect("the posts are prefetched"))
                .map(|post| {
                    let comments = post.comments().loaded();
                    comments.expect("the comments are prefetched").len()
                })
                .sum(),
        )
    }

    fn upsert_tallies(&mut self, tallies: &[TallyData]) -> usize {
        let forms = tallies
            .iter()
            .map(|(key, count)| NewTally::new().key(key.as_str()).count(*count));
        let on_key = OnConflict::on(tally::unique::key).update(tally::count);
        let stored = Tally::objects()
            .bulk_upsert(&self.db, forms, &on_key, tallies.len())
            .unwrap();
        std::hint::black_box(&stored);
        stored.len()
    }
}
