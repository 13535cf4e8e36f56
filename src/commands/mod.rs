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
pub mod showmigrations;
pub mod sqlmigrate;
