//! Writing to the terminal the way people expect of a command-line tool.
//!
//! - Output piped into a reader that stops early (`pookie … | head`) ends the
//!   program quietly with 0, and a write that fails otherwise (a full disk) is
//!   a message and exit code 1: never a panic, which `println!` would be.
//! - Colours go through `anstream`, which drops them when the stream is not a
//!   terminal, when `NO_COLOR` is set, or when `TERM=dumb`
//!   (`CLICOLOR_FORCE` forces them).

use std::io::{self, Write};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};

/// Green: what went well (`✓ Applied`).
pub const GOOD: Style = AnsiColor::Green.on_default();
/// Yellow bold: `warning:`.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// Red bold: `error:`.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// Bold: headings and names.
pub const BOLD: Style = Style::new().bold();

/// Exit code of a user error (bad input, a failed check, a database error).
/// A usage error (an unknown flag, a missing argument) is clap's 2.
pub const USER_ERROR: u8 = 1;

/// Writes to standard output; see the module doc for what a failed write does.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = anstream::stdout().lock();
    if let Err(error) = out.write_fmt(args) {
        failed(&error);
    }
}

/// Flushes standard output before the program ends, with the same rules as [`write`].
pub fn flush() {
    if let Err(error) = anstream::stdout().lock().flush() {
        failed(&error);
    }
}

/// Writes to standard error; a closed standard error is ignored (there is
/// nowhere left to say anything).
pub fn ewrite(args: std::fmt::Arguments<'_>) {
    let _ = anstream::stderr().lock().write_fmt(args);
}

fn failed(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    ewrite(format_args!(
        "{ERROR}error:{ERROR:#} cannot write the output: {error}\n"
    ));
    std::process::exit(USER_ERROR.into());
}

/// The grammar's diagnostics with their `error:` and `warning:` headings
/// coloured (dropped again by the stream when colours are off).
pub fn highlight_diagnostics(text: &str) -> String {
    text.lines()
        .map(|line| {
            for (word, style) in [("error", ERROR), ("warning", WARNING)] {
                if let Some(rest) = line.strip_prefix(word) {
                    if rest.starts_with(':') || rest.starts_with('[') {
                        return format!("{style}{word}{style:#}{rest}");
                    }
                }
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `ExitCode` of a user error.
pub fn user_error() -> ExitCode {
    ExitCode::from(USER_ERROR)
}

/// `print!` that never panics (see the module doc).
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*)) };
}

/// `println!` that never panics (see the module doc).
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::ewrite(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `warning: …` on standard error, coloured when the terminal allows.
macro_rules! warn {
    ($($arg:tt)*) => {
        $crate::output::ewrite(format_args!(
            "{}warning:{} {}\n",
            $crate::output::WARNING.render(),
            $crate::output::WARNING.render_reset(),
            format_args!($($arg)*)
        ))
    };
}
