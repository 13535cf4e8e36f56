//! Everything the CLI prints goes through here, so that an output that goes
//! away never panics the program (`println!` does): a closed pipe
//! (`pookie inspectdb | head -c1`) ends the program quietly, as Unix tools do,
//! and any other write error (a full disk: `> /dev/full`) is a message on
//! stderr and exit status 1.

use std::fmt;
use std::io::{self, Write};

/// `println!` for the CLI's output.
macro_rules! outln {
    () => {
        $crate::output::out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for the CLI's output.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::out(format_args!($($arg)*))
    };
}

/// `eprintln!` for the CLI's messages: a failing stderr is ignored, since
/// there is nowhere left to report it.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout and flushes (so that a write error shows here, not in a
/// buffer flushed at exit); on failure, ends the program as described above.
pub fn out(args: fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        drop(stdout);
        failed(&error);
    }
}

/// Writes to stderr, ignoring errors.
pub fn err(args: fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| stderr.flush());
}

/// Ends the program after stdout failed: quietly with status 0 when the
/// reader is gone (nobody wants the rest), with a message and status 1 otherwise.
fn failed(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    err(format_args!("error: cannot write the output: {error}\n"));
    std::process::exit(1);
}
