//! `pookie`: the command-line tool of the Pookie ORM.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Pookie, a schema-first ORM for Rust: check .pookie schemas.
#[derive(Debug, Parser)]
#[command(name = "pookie", version, about = "Pookie, a schema-first ORM for Rust: check .pookie schemas", long_about = None)]
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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { files } => check(&files),
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
