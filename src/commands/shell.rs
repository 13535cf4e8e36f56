//! `pookie shell`: an interactive query shell over the project's schema, in
//! Django's query syntax, run through the runtime's dynamic query path (the
//! same compiler as the generated models: the SQL is the typed API's).

mod complete;
mod eval;
mod parser;
mod print;
mod spec;

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use pookie::dynamic::DynSchema;
use pookie::Db;

use crate::project::{self, CommandError, CommandResult};
use crate::settings::Settings;

/// What `pookie shell` was asked.
pub struct Options {
    /// `-c`: run these lines and exit.
    pub command: Option<String>,
    /// `--yes`: delete without asking.
    pub yes: bool,
}

/// Prints a line on standard output; a closed output (`pookie shell … | head`)
/// ends the program quietly instead of panicking as `println!` would.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::commands::shell::write_line(&format!($($arg)*))
    };
}

fn write_line(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").is_err() {
        std::process::exit(0);
    }
}

/// True while `\sql` shows each statement.
static SHOW_SQL: AtomicBool = AtomicBool::new(false);

const HELP: &str = r#"Queries in Django's syntax, for example:
  Author.objects.filter(name__icontains="grace").order_by("-joined")[:5]
  Post.objects.filter(published=True).count()
  Author.objects.get(email="grace@example.com").posts.all()
  Post.objects.filter(Q(view_count__gt=10) | ~Q(author__name="Ada")).values("title")
  Post.objects.aggregate(total=Sum("view_count"), n=Count("id"))
  Author.objects.create(name="Grace", email="grace@example.com")
  Post.objects.filter(published=False).update(published=True)
  Post.objects.filter(view_count=0).delete()
Commands: \d (models), \d Model (its fields), \sql (show each query's SQL), \q (quit)"#;

/// Runs the shell.
pub fn run(settings: &Settings, options: &Options) -> CommandResult<ExitCode> {
    let schema = project::schema(settings)?;
    let shapes = pookie_codegen::describe::describe(&schema)?;
    let models = DynSchema::new(shapes.into_iter().map(spec::spec).collect())?;
    let db = project::connect(settings)?;
    install_sql_log();
    let mut session = Session {
        schema: models,
        db,
        failed: false,
    };
    let refused = std::cell::Cell::new(false);
    let mut confirm = |question: &str| {
        if !options.yes {
            eprintln!("error: {question} Not without --yes: a script deletes only with `pookie shell --yes`");
            refused.set(true);
        }
        options.yes
    };
    if let Some(command) = &options.command {
        for line in command.lines() {
            if !session.line(line, &mut confirm) {
                break;
            }
        }
    } else if std::io::stdin().is_terminal() {
        session.interactive()?;
    } else {
        for line in std::io::stdin().lock().lines() {
            let line =
                line.map_err(|e| CommandError(format!("cannot read standard input: {e}")))?;
            if !session.line(&line, &mut confirm) {
                break;
            }
        }
    }
    Ok(if session.failed || refused.get() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

struct Session {
    schema: DynSchema,
    db: Db,
    failed: bool,
}

impl Session {
    /// Runs one line; errors are printed, never fatal.
    fn line(&mut self, line: &str, confirm: eval::Confirm<'_>) -> bool {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return true;
        }
        if let Some(command) = line.strip_prefix('\\') {
            return self.backslash(command);
        }
        if matches!(line, "help" | "help()") {
            say!("{HELP}");
            return true;
        }
        let result =
            parser::parse(line).and_then(|expr| eval::eval(&self.schema, &self.db, &expr, confirm));
        match result {
            Ok(outcome) => {
                let text = match outcome {
                    eval::Outcome::Rows(rows) => print::rows(&rows),
                    eval::Outcome::Instance(Some(rows)) => print::rows(&rows),
                    eval::Outcome::Instance(None) => "None".to_owned(),
                    eval::Outcome::Scalar(text) | eval::Outcome::Message(text) => text,
                };
                say!("{text}");
            }
            Err(message) => {
                self.failed = true;
                eprintln!("error: {message}");
            }
        }
        true
    }

    /// `\d`, `\d Model`, `\sql`, `\q`; false quits.
    fn backslash(&mut self, command: &str) -> bool {
        let mut words = command.split_whitespace();
        match (words.next(), words.next()) {
            (Some("q" | "quit"), _) => return false,
            (Some("sql"), _) => {
                let on = !SHOW_SQL.load(Ordering::Relaxed);
                SHOW_SQL.store(on, Ordering::Relaxed);
                say!("SQL display is {}.", if on { "on" } else { "off" });
            }
            (Some("d"), None) => {
                let mut table = print::table();
                table.set_header(["model", "table", "fields"]);
                for model in self.schema.models() {
                    table.add_row([
                        model.name().to_owned(),
                        model.meta().table.to_owned(),
                        model.meta().fields.len().to_string(),
                    ]);
                }
                say!("{table}");
            }
            (Some("d"), Some(name)) => match self.schema.model(name) {
                Ok(model) => say!("{}", eval::describe(model)),
                Err(error) => {
                    self.failed = true;
                    eprintln!("error: {error}");
                }
            },
            (Some("?" | "h" | "help"), _) => say!("{HELP}"),
            _ => {
                self.failed = true;
                eprintln!("error: unknown command `\\{command}`: \\d, \\d Model, \\sql, \\q");
            }
        }
        true
    }

    fn interactive(&mut self) -> CommandResult<()> {
        let mut editor: rustyline::Editor<
            complete::ShellHelper,
            rustyline::history::DefaultHistory,
        > = rustyline::Editor::new()
            .map_err(|e| CommandError(format!("cannot start the line editor: {e}")))?;
        editor.set_helper(Some(complete::ShellHelper {
            schema: self.schema,
        }));
        let history = history_file();
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        say!(
            "Pookie shell: {} models. Django's query syntax; \\? for help, \\q to quit.",
            self.schema.models().len()
        );
        loop {
            match editor.readline(">>> ") {
                Ok(line) => {
                    // Quitting is not worth recalling.
                    if !line.trim().is_empty() && !matches!(line.trim(), "\\q" | "\\quit") {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    let mut answers = Vec::new();
                    let mut confirm = |question: &str| {
                        print!("{question} [y/N] ");
                        let _ = std::io::stdout().flush();
                        let mut answer = String::new();
                        let _ = std::io::stdin().read_line(&mut answer);
                        answers.push(answer.clone());
                        matches!(answer.trim(), "y" | "Y" | "yes")
                    };
                    if !self.line(&line, &mut confirm) {
                        break;
                    }
                    self.failed = false;
                }
                Err(rustyline::error::ReadlineError::Interrupted) => continue,
                Err(rustyline::error::ReadlineError::Eof) => break,
                Err(error) => return Err(CommandError(format!("cannot read a line: {error}"))),
            }
        }
        if let Some(path) = &history {
            let _ = editor.save_history(path);
        }
        Ok(())
    }
}

/// `$POOKIE_HISTORY`, else `~/.pookie_history`.
fn history_file() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("POOKIE_HISTORY") {
        return Some(path.into());
    }
    std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".pookie_history"))
}

/// Prints each statement the runtime runs while `\sql` is on.
fn install_sql_log() {
    use tracing_subscriber::layer::SubscriberExt;
    struct Sql;
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Sql {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _ctx: tracing_subscriber::layer::Context<'_, S>,
        ) {
            if !SHOW_SQL.load(Ordering::Relaxed) || event.metadata().target() != "pookie::sql" {
                return;
            }
            struct Message(Option<String>);
            impl tracing::field::Visit for Message {
                fn record_debug(
                    &mut self,
                    field: &tracing::field::Field,
                    value: &dyn std::fmt::Debug,
                ) {
                    if field.name() == "message" {
                        self.0 = Some(format!("{value:?}"));
                    }
                }
            }
            let mut message = Message(None);
            event.record(&mut message);
            if let Some(sql) = message.0 {
                if *event.metadata().level() == tracing::Level::INFO {
                    say!("-- {sql}");
                }
            }
        }
    }
    let subscriber = tracing_subscriber::registry().with(Sql);
    let _ = tracing::subscriber::set_global_default(subscriber);
}
