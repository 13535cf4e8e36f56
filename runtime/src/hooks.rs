//! Model hooks: `clean`, `pre_save`, `post_save`, `pre_delete`, `post_delete`,
//! the typed form of Django's signals.
//!
//! A model has hooks when its user implements [`Hooks`] for it, next to the
//! generated code; a model without that impl runs none. Generated code asks
//! for the hooks through [`Model::hooks`](crate::Model::hooks), which picks the
//! user's impl when there is one (autoref specialisation: generated code names
//! the concrete type, so the choice is made at compile time and costs nothing).
//!
//! ```ignore
//! impl pookie::Hooks for Author {
//!     fn pre_save(&mut self, _db: &pookie::Db) -> pookie::Result<()> {
//!         self.name = self.name.trim().to_owned();
//!         Ok(())
//!     }
//! }
//! ```

use std::marker::PhantomData;

use crate::db::Db;
use crate::error::Result;

/// Behaviour users add to a generated model. Every method has a default that
/// does nothing; implement the ones you need.
pub trait Hooks: Sized {
    /// Model-wide validation, run after the field checks (`full_clean`).
    fn clean(&self) -> Result<()> {
        Ok(())
    }
    /// Before a row is inserted or updated.
    fn pre_save(&mut self, db: &Db) -> Result<()> {
        let _ = db;
        Ok(())
    }
    /// After a row was inserted (`created`) or updated.
    fn post_save(&self, db: &Db, created: bool) -> Result<()> {
        let _ = (db, created);
        Ok(())
    }
    /// Before a row is deleted.
    fn pre_delete(&self, db: &Db) -> Result<()> {
        let _ = db;
        Ok(())
    }
    /// After a row was deleted.
    fn post_delete(&self, db: &Db) -> Result<()> {
        let _ = db;
        Ok(())
    }
}

/// The hooks of model `M`, as function pointers.
pub struct HookFns<M> {
    /// [`Hooks::clean`].
    pub clean: fn(&M) -> Result<()>,
    /// [`Hooks::pre_save`].
    pub pre_save: fn(&mut M, &Db) -> Result<()>,
    /// [`Hooks::post_save`].
    pub post_save: fn(&M, &Db, bool) -> Result<()>,
    /// [`Hooks::pre_delete`].
    pub pre_delete: fn(&M, &Db) -> Result<()>,
    /// [`Hooks::post_delete`].
    pub post_delete: fn(&M, &Db) -> Result<()>,
    /// True when the model implements [`Hooks`]: its hooks are then user
    /// code taking a synchronous [`Db`], which the awaited API runs on a
    /// blocking thread.
    pub user_defined: bool,
}

impl<M> HookFns<M> {
    fn none() -> Self {
        HookFns {
            clean: |_| Ok(()),
            pre_save: |_, _| Ok(()),
            post_save: |_, _, _| Ok(()),
            pre_delete: |_, _| Ok(()),
            post_delete: |_, _| Ok(()),
            user_defined: false,
        }
    }
}

impl<M: Hooks> HookFns<M> {
    fn of_user() -> Self {
        HookFns {
            clean: M::clean,
            pre_save: M::pre_save,
            post_save: M::post_save,
            pre_delete: M::pre_delete,
            post_delete: M::post_delete,
            user_defined: true,
        }
    }
}

/// The selection between a user's [`Hooks`] impl and none, for generated code:
/// `(&Probe::<M>::new()).hook_fns()` with both traits in scope resolves to
/// [`UserHooks`] when `M: Hooks`, else to [`NoHooks`].
#[doc(hidden)]
pub mod select {
    use super::*;

    pub struct Probe<M>(PhantomData<fn() -> M>);

    impl<M> Probe<M> {
        #[allow(clippy::new_without_default)]
        pub fn new() -> Self {
            Probe(PhantomData)
        }
    }

    pub trait UserHooks<M> {
        fn hook_fns(&self) -> HookFns<M>;
    }

    impl<M: Hooks> UserHooks<M> for Probe<M> {
        fn hook_fns(&self) -> HookFns<M> {
            HookFns::of_user()
        }
    }

    pub trait NoHooks<M> {
        fn hook_fns(&self) -> HookFns<M>;
    }

    impl<M> NoHooks<M> for &Probe<M> {
        fn hook_fns(&self) -> HookFns<M> {
            HookFns::none()
        }
    }
}
