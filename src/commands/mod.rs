//! The migration commands of the CLI, one module each.

pub mod drift;
pub mod makemigrations;
pub mod migrate;
mod questions;
pub mod rollback;
pub mod showmigrations;
pub mod sqlmigrate;
pub mod dbshell;
pub mod fmt;
pub mod graph;
pub mod init;
