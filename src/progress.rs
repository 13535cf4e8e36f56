//! Progress bars on long work (many migrations, many tables), drawn on
//! standard error and only at a terminal: piped or redirected output, and
//! the tests, see none of them.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// From how many migrations `migrate` shows a bar.
pub const MANY_MIGRATIONS: usize = 5;

/// A bar of `len` steps of `what`; hidden unless `show` and standard error is
/// a terminal.
pub fn bar(len: u64, what: &str, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!("{{bar:30.cyan/blue}} {{pos}}/{{len}} {what} {{wide_msg:.dim}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar
}

/// A spinner saying what is being done, for work of unknown length.
pub fn spinner(message: &str) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner:.cyan} {msg} ({elapsed})") {
        spinner.set_style(style);
    }
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}
