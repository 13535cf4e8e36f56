//! Migrations: the autodetector (`makemigrations`), the migrations folder, and
//! embedding a folder's migrations in a program at build time.

pub mod diff;
//TMP pub(crate) mod embed;
//TMP pub mod folder;
pub mod naming;
