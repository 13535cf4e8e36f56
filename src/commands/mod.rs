//! The migration commands of the CLI, one module each.

pub mod dbshell;
pub mod drift;
pub mod fmt;
pub mod graph;
pub mod init;
pub mod makemigrations;
pub mod migrate;
mod questions;
pub mod rollback;
pub mod shell;
pub mod showmigrations;
pub mod sqlmigrate;
mod squash_ops;
pub mod squashmigrations;
