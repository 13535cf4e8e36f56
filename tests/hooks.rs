//! User code next to generated models: hooks and plain `impl` blocks.

#[macro_use]
mod support;

use std::cell::RefCell;

use pookie::{Db, Error};

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, tag, Author, NewAuthor, NewTag, Tag};

thread_local! {
    static EVENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn record(event: String) {
    EVENTS.with(|events| events.borrow_mut().push(event));
}

fn take_events() -> Vec<String> {
    EVENTS.with(|events| std::mem::take(&mut *events.borrow_mut()))
}

impl pookie::Hooks for Tag {
    fn pre_save(&mut self, _db: &Db) -> pookie::Result<()> {
        self.slug = self.slug.to_lowercase();
        Ok(())
    }

    fn post_save(&self, db: &Db, created: bool) -> pookie::Result<()> {
        // Hooks may query the database themselves.
        let count = Tag::objects().count(db)?;
        record(format!(
            "saved {} created={created} count={count}",
            self.slug
        ));
        Ok(())
    }

    fn pre_delete(&self, _db: &Db) -> pookie::Result<()> {
        if self.slug == "keep" {
            return Err(Error::custom("the `keep` tag cannot be deleted"));
        }
        Ok(())
    }

    fn post_delete(&self, _db: &Db) -> pookie::Result<()> {
        record(format!("deleted {}", self.slug));
        Ok(())
    }
}

// Users extend generated models in their own impl blocks.
impl Author {
    pub fn display_name(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }

    pub fn active(db: &Db) -> pookie::Result<Vec<Author>> {
        Author::objects().filter(author::is_active.eq(true)).all(db)
    }
}

on_both_backends! {
    fn hooks_run_around_create_save_and_delete(db) {
        blog::create_tables(db)?;
        take_events();
        let mut rust = Tag::objects().create(db, NewTag::new().name("Rust").slug("RUST"))?;
        assert_eq!(rust.slug, "rust", "pre_save ran before the insert");
        assert_eq!(Tag::objects().get(db, tag::slug.eq("rust"))?.id, rust.id);
        rust.name = "Rust lang".into();
        rust.save(db)?;
        rust.delete(db)?;
        assert_eq!(
            take_events(),
            ["saved rust created=true count=1", "saved rust created=false count=1", "deleted rust"]
        );
    }

    fn a_hook_can_refuse(db) {
        blog::create_tables(db)?;
        let keep = Tag::objects().create(db, NewTag::new().name("Keep").slug("keep"))?;
        let refused = keep.delete(db).unwrap_err();
        assert_eq!(refused.to_string(), "the `keep` tag cannot be deleted");
        assert_eq!(Tag::objects().count(db)?, 1, "nothing was deleted");
    }

    fn models_without_hooks_and_user_impls(db) {
        blog::create_tables(db)?;
        let grace = Author::objects().create(db, NewAuthor::new().name("Grace").email("g@x.io"))?;
        assert_eq!(grace.display_name(), "Grace <g@x.io>");
        assert_eq!(Author::active(db)?.len(), 1);
    }
}
