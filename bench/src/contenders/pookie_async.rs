//! Pookie awaited, as its async API is meant to be used: one `AsyncDb`,
//! query sets built as in synchronous code and ended by an awaited method.

use pookie::AsyncDb;

use super::NewUserData;
use crate::models::{user, NewUser, User};

/// Pookie's `AsyncDb`; cheap to clone into tasks.
#[derive(Clone)]
pub struct PookieAsyncContender {
    adb: AsyncDb,
}

impl PookieAsyncContender {
    /// Connects to `url` (with its pool settings); must run inside the runtime.
    pub async fn connect(url: &str) -> Self {
        PookieAsyncContender {
            adb: AsyncDb::connect(url).await.unwrap(),
        }
    }

    /// Loads one user by primary key; returns its name's length.
    pub async fn user_by_id(&self, id: i32) -> usize {
        let user = User::objects()
            .aget(&self.adb, user::id.eq(id))
            .await
            .unwrap();
        std::hint::black_box(&user);
        user.name.len()
    }

    /// The same through `AsyncDb::run` and the model's synchronous `get`
    /// (a diagnostic: the query set path without the hop's share).
    pub async fn user_by_id_run(&self, id: i32) -> usize {
        let user = self.adb.run(move |db| User::get(db, id)).await.unwrap();
        std::hint::black_box(&user);
        user.name.len()
    }

    /// Loads the first ten users with this hair colour; returns how many.
    pub async fn ten_users(&self, hair_color: &'static str) -> usize {
        let users = User::objects()
            .filter(user::hair_color.eq(hair_color))
            .limit(10)
            .aall(&self.adb)
            .await
            .unwrap();
        std::hint::black_box(&users);
        users.len()
    }

    /// Inserts one user and returns its new key.
    pub async fn insert_user(&self, (name, hair_color): &NewUserData) -> i32 {
        let form = NewUser::new()
            .name(name.as_str())
            .hair_color(hair_color.clone());
        let user = User::objects().acreate(&self.adb, form).await.unwrap();
        std::hint::black_box(&user);
        user.id
    }
}
