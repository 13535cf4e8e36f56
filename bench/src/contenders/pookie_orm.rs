//! Pookie, used as its README shows.

use pookie::Db;

use super::{Contender, NewUserData, Target};
use crate::models::{NewUser, User};

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

    fn users_with_posts(&mut self, _hair_color: &str) -> Option<usize> {
        // Needs select_related (relations).
        None
    }

    fn posts_with_users(&mut self, _hair_color: &str) -> Option<usize> {
        // Needs select_related (relations).
        None
    }

    fn users_posts_comments(&mut self) -> Option<usize> {
        // Needs prefetch_related (relations).
        None
    }
}
