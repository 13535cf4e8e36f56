//! `pookie inspectdb`: reads an existing database and writes `.pookie` models
//! for it. The introspection is the `pookie-inspect` library's (which the
//! migration tools share); this is the command around it: which database
//! (from the settings, or `--database`), and where to write.

use std::path::PathBuf;
use std::process::ExitCode;

use pookie_inspect::Options;

use crate::project::{CommandError, CommandResult};
use crate::settings::Settings;

/// Where `pookie inspectdb` writes.
#[derive(Debug, Clone)]
pub struct Output {
    /// The file, or stdout when `None`.
    pub file: Option<PathBuf>,
    /// Overwrite an existing file.
    pub force: bool,
}

/// Runs `pookie inspectdb` on the database of the settings: renders and
/// writes, refusing to overwrite a file without `force`.
pub fn run(settings: &Settings, options: &Options, output: &Output) -> CommandResult<ExitCode> {
    if let (Some(file), false) = (&output.file, output.force) {
        if file.exists() {
            return Err(CommandError(format!(
                "`{}` exists; pass --force to overwrite it",
                file.display()
            )));
        }
    }
    let url = settings.database_url()?;
    let failed = |error: pookie_inspect::InspectError| CommandError(error.to_string());
    let db = pookie_inspect::connect(&url).map_err(failed)?;
    let text = pookie_inspect::render(&db, options).map_err(failed)?;
    match &output.file {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| CommandError(format!("cannot write `{}`: {e}", file.display())))?,
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
