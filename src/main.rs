//! `pookie`: the command-line tool of the Pookie ORM.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod inspect;
mod settings;

/// Pookie, a schema-first ORM for Rust: check .pookie schemas, inspect databases.
#[derive(Debug, Parser)]
#[command(name = "pookie", version, about = "Pookie, a schema-first ORM for Rust: check .pookie schemas, inspect databases", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and validate schema files, printing every error with its position.
    ///
    /// The files are checked as one build, so models may refer to models of the
    /// other files. Exits with 1 when there are errors.
    Check {
        /// The .pookie files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Read an existing SQLite or PostgreSQL database and write .pookie models for it.
    ///
    /// Every table becomes a model (views too with --include-views), with its
    /// columns, keys, relations, constraints and indexes. What has no exact
    /// spelling in .pookie is kept as a `//` note, never dropped silently.
    Inspectdb {
        /// The database URL: sqlite:///path.db or postgresql://user@host/database.
        #[arg(long, value_name = "URL")]
        database: String,
        /// Inspect only this table (repeat for several).
        #[arg(long = "table", value_name = "NAME")]
        tables: Vec<String>,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the --output file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
        /// The PostgreSQL schema to inspect (default: public).
        #[arg(long, value_name = "NAME")]
        schema: Option<String>,
        /// Include views, as read-only (`managed = false`) models.
        #[arg(long)]
        include_views: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { files } => check(&files),
        Command::Inspectdb {
            database,
            tables,
            output,
            force,
            schema,
            include_views,
        } => {
            let options = inspect::Options {
                database,
                tables,
                schema,
                include_views,
            };
            match inspect::run(
                &options,
                &inspect::Output {
                    file: output,
                    force,
                },
            ) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    match pookie_grammar::load_files(files) {
        Ok(schema) => {
            let models: usize = schema
                .modules
                .iter()
                .map(|module| module.models.iter().filter(|m| !m.is_abstract).count())
                .sum();
            let noun = if files.len() == 1 { "file" } else { "files" };
            println!("ok: {models} models in {} {noun}", files.len());
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            ExitCode::FAILURE
        }
    }
}
