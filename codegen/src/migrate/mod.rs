//! Migrations: the autodetector (`makemigrations`), the migrations folder, and
//! embedding a folder's migrations in a program at build time.

pub mod diff;
pub(crate) mod embed;
pub mod folder;
pub mod naming;
