//! The migration commands of the CLI, one module each.

pub mod drift;
pub mod makemigrations;
pub mod migrate;
mod questions;
pub mod rollback;
pub mod shell;
pub mod showmigrations;
pub mod sqlmigrate;
mod squash_ops;
pub mod squashmigrations;
