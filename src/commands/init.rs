//! `pookie init [NAME]`: scaffolds a new crate that builds and runs at once.
//!
//! The crate holds a first model in `schemas/<name>.pookie`, its initial
//! migration in `migrations/` (written by `makemigrations`, exactly as a user
//! would), a build script that generates the models and embeds the
//! migrations, and a `main` that connects, applies them and runs a query.
//! At a terminal every answer is asked step by step; each is also a flag,
//! and `--yes` (or no terminal) takes the flags and defaults without asking.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::output::{BOLD, GOOD};
use crate::project::{CommandError, CommandResult};
use crate::settings::{Overrides, Settings};

/// The backend of the new project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// An SQLite file beside the project: nothing to install.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The answers `init` needs; a `None` is asked at a terminal, else defaulted.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The crate (and folder) name.
    pub name: Option<String>,
    /// The backend.
    pub database: Option<Backend>,
    /// The database URL.
    pub url: Option<String>,
    /// The first model: `Author name:CharField(max_length=100) email:EmailField`.
    pub model: Option<String>,
    /// A local Pookie checkout to depend on through paths.
    pub pookie_path: Option<PathBuf>,
    /// Never ask.
    pub yes: bool,
}

const DEFAULT_NAME: &str = "my_app";
const DEFAULT_MODEL: &str = "Author name:CharField(max_length=100) email:EmailField(unique=true)";

/// Runs the command in `cwd`.
pub fn run(cwd: &Path, options: &Options) -> CommandResult<ExitCode> {
    let interactive = !options.yes && std::io::stdin().is_terminal();
    let answers = if interactive {
        ask(options)?
    } else {
        defaults(options)?
    };
    let dir = cwd.join(&answers.name);
    if dir.exists() {
        let empty = std::fs::read_dir(&dir)
            .map_err(|e| CommandError(format!("cannot read `{}`: {e}", dir.display())))?
            .next()
            .is_none();
        if !empty {
            return Err(CommandError(format!(
                "`{}` exists and is not empty: pick another name, or remove it",
                dir.display()
            )));
        }
    }
    let pookie_path = match &options.pookie_path {
        Some(path) => Some(checkout(&cwd.join(path))?),
        None => None,
    };
    let files = files(&answers, pookie_path.as_deref())?;
    for (path, text) in &files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CommandError(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| CommandError(format!("cannot write `{}`: {e}", path.display())))?;
    }
    outln!("{GOOD}✓ Created{GOOD:#} {BOLD}{}{BOLD:#}", dir.display());
    for (path, _) in &files {
        outln!("    {path}");
    }
    let settings = Settings::load(&dir, &Overrides::default())?;
    let code = super::makemigrations::run(
        &settings,
        &super::makemigrations::Options {
            name: Some("initial".to_owned()),
            no_input: true,
            ..Default::default()
        },
    )?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    outln!();
    outln!("Next:");
    outln!("    cd {} && cargo run", answers.name);
    outln!(
        "    # then edit schemas/{}.pookie, `pookie makemigrations` and `cargo run` again",
        answers.module
    );
    Ok(ExitCode::SUCCESS)
}

/// Every answer, checked.
#[derive(Debug)]
struct Answers {
    name: String,
    module: String,
    url: String,
    model: Model,
}

#[derive(Debug)]
struct Model {
    name: String,
    fields: Vec<(String, String)>,
}

fn defaults(options: &Options) -> CommandResult<Answers> {
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| DEFAULT_NAME.to_owned());
    validate_name(&name).map_err(CommandError)?;
    let backend = options.database.unwrap_or(match &options.url {
        Some(url) if url.starts_with("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    });
    let url = options
        .url
        .clone()
        .unwrap_or_else(|| default_url(backend, &name));
    check_url(&url).map_err(CommandError)?;
    let model = parse_model(options.model.as_deref().unwrap_or(DEFAULT_MODEL))
        .map_err(|e| CommandError(format!("--model: {e}")))?;
    Ok(Answers {
        module: module_name(&name),
        name,
        url,
        model,
    })
}

fn ask(options: &Options) -> CommandResult<Answers> {
    let cancelled = |e: inquire::InquireError| CommandError(format!("init stopped: {e}"));
    let name = match &options.name {
        Some(name) => {
            validate_name(name).map_err(CommandError)?;
            name.clone()
        }
        None => inquire::Text::new("Project name:")
            .with_default(DEFAULT_NAME)
            .with_help_message("the crate and folder name, as `cargo new` takes it")
            .with_validator(|name: &str| {
                Ok(match validate_name(name) {
                    Ok(()) => inquire::validator::Validation::Valid,
                    Err(e) => inquire::validator::Validation::Invalid(e.into()),
                })
            })
            .prompt()
            .map_err(cancelled)?,
    };
    let backend = match options.database {
        Some(backend) => backend,
        None => {
            let choice = inquire::Select::new(
                "Database:",
                vec![
                    "SQLite (a file beside the project, nothing to install)",
                    "PostgreSQL",
                ],
            )
            .prompt()
            .map_err(cancelled)?;
            if choice.starts_with("SQLite") {
                Backend::Sqlite
            } else {
                Backend::Postgres
            }
        }
    };
    let url = match &options.url {
        Some(url) => {
            check_url(url).map_err(CommandError)?;
            url.clone()
        }
        None => inquire::Text::new("Database URL:")
            .with_default(&default_url(backend, &name))
            .with_help_message(match backend {
                Backend::Sqlite => "sqlite:///relative/file.sqlite3 or sqlite:////absolute/path",
                Backend::Postgres => {
                    "postgresql://user@host:port/database (DATABASE_URL overrides it at run time)"
                }
            })
            .with_validator(|url: &str| {
                Ok(match check_url(url) {
                    Ok(()) => inquire::validator::Validation::Valid,
                    Err(e) => inquire::validator::Validation::Invalid(e.into()),
                })
            })
            .prompt()
            .map_err(cancelled)?,
    };
    let model = match &options.model {
        Some(spec) => parse_model(spec).map_err(|e| CommandError(format!("--model: {e}")))?,
        None => ask_model().map_err(cancelled)?,
    };
    Ok(Answers {
        module: module_name(&name),
        name,
        url,
        model,
    })
}

fn ask_model() -> Result<Model, inquire::InquireError> {
    let name = inquire::Text::new("First model:")
        .with_default("Author")
        .with_help_message("a CamelCase name: one table")
        .with_validator(|name: &str| {
            Ok(if is_model_name(name) {
                inquire::validator::Validation::Valid
            } else {
                inquire::validator::Validation::Invalid(
                    "a model name is CamelCase letters and digits (Author, BlogPost)".into(),
                )
            })
        })
        .prompt()?;
    let mut fields = Vec::new();
    loop {
        let default = match fields.len() {
            0 => "name:CharField(max_length=100)",
            1 => "email:EmailField(unique=true)",
            _ => "",
        };
        let answer = inquire::Text::new(&format!("Field {} of {name}:", fields.len() + 1))
            .with_default(default)
            .with_help_message(
                "name:Type(arguments), e.g. title:CharField(max_length=200), \
                 body:TextField, published:BooleanField(default=false); empty to finish",
            )
            .with_validator(|item: &str| {
                Ok(if item.trim().is_empty() {
                    inquire::validator::Validation::Valid
                } else {
                    match parse_field(item.trim()) {
                        Ok(_) => inquire::validator::Validation::Valid,
                        Err(e) => inquire::validator::Validation::Invalid(e.into()),
                    }
                })
            })
            .prompt()?;
        if answer.trim().is_empty() {
            if fields.is_empty() {
                continue;
            }
            break;
        }
        if let Ok(field) = parse_field(answer.trim()) {
            fields.push(field);
        }
    }
    Ok(Model { name, fields })
}

/// Checks a crate name as `cargo new` does.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the project name is empty".to_owned());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "invalid character `{bad}` in project name `{name}`: use letters, digits, `_` and `-`"
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "the project name `{name}` cannot start with a digit"
        ));
    }
    const RESERVED: &[&str] = &[
        "abstract",
        "alignof",
        "as",
        "become",
        "box",
        "break",
        "const",
        "continue",
        "crate",
        "do",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "final",
        "fn",
        "for",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "macro",
        "match",
        "mod",
        "move",
        "mut",
        "offsetof",
        "override",
        "priv",
        "proc",
        "pub",
        "pure",
        "ref",
        "return",
        "self",
        "sizeof",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "type",
        "typeof",
        "unsafe",
        "unsized",
        "use",
        "virtual",
        "where",
        "while",
        "yield",
        "async",
        "await",
        "try",
        "gen",
        "test",
        "core",
        "std",
        "alloc",
        "proc_macro",
        "build",
        "deps",
        "examples",
        "incremental",
        "pookie",
    ];
    if RESERVED.contains(&name) {
        return Err(format!(
            "the project name `{name}` is a Rust keyword or a reserved crate name: pick another"
        ));
    }
    Ok(())
}

fn module_name(name: &str) -> String {
    name.replace('-', "_")
}

fn default_url(backend: Backend, name: &str) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite:///{}.sqlite3", module_name(name)),
        Backend::Postgres => format!("postgresql://postgres@localhost:5432/{}", module_name(name)),
    }
}

fn check_url(url: &str) -> Result<(), String> {
    pookie::ConnectOptions::from_url(url)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn is_model_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `Author name:CharField(max_length=100) email:EmailField`.
fn parse_model(spec: &str) -> Result<Model, String> {
    let mut items = split_items(spec)?.into_iter();
    let name = items
        .next()
        .ok_or("give a model name and its fields: \"Author name:CharField(max_length=100)\"")?;
    if !is_model_name(&name) {
        return Err(format!(
            "`{name}` is not a model name: it is CamelCase letters and digits (Author, BlogPost)"
        ));
    }
    let fields = items
        .map(|item| parse_field(&item))
        .collect::<Result<Vec<_>, _>>()?;
    if fields.is_empty() {
        return Err(format!(
            "the model `{name}` has no fields: add some, `{name} name:CharField(max_length=100)`"
        ));
    }
    Ok(Model { name, fields })
}

/// Splits on spaces outside parentheses.
fn split_items(spec: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in spec.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if !current.is_empty() {
                items.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced parentheses in `{spec}`"));
    }
    if !current.is_empty() {
        items.push(current);
    }
    Ok(items)
}

/// `name:Type(arguments)` into the name and the `.pookie` field text.
fn parse_field(item: &str) -> Result<(String, String), String> {
    let (name, kind) = item.split_once(':').ok_or_else(|| {
        format!("`{item}` is not `name:Type`, e.g. `title:CharField(max_length=200)`")
    })?;
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(format!(
            "`{name}` is not a field name: use snake_case (first_name)"
        ));
    }
    let kind = kind.trim();
    let type_name: String = kind
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if type_name.is_empty() {
        return Err(format!("`{item}` has no field type after `:`"));
    }
    let kind = if kind.len() == type_name.len() {
        format!("{kind}()")
    } else {
        kind.to_owned()
    };
    Ok((name.to_owned(), kind))
}

/// The Pookie checkout `path`: the folder holding `runtime/` and `codegen/`.
fn checkout(path: &Path) -> CommandResult<PathBuf> {
    let path = path.canonicalize().map_err(|e| {
        CommandError(format!(
            "--pookie-path `{}` cannot be read: {e}",
            path.display()
        ))
    })?;
    for crate_dir in ["runtime", "codegen"] {
        if !path.join(crate_dir).join("Cargo.toml").is_file() {
            return Err(CommandError(format!(
                "--pookie-path `{}` is not a Pookie checkout: it has no `{crate_dir}/Cargo.toml`",
                path.display()
            )));
        }
    }
    Ok(path)
}

/// The files of the new crate, by path in it; the schema is checked by
/// loading it, and printed in the canonical layout.
fn files(answers: &Answers, pookie_path: Option<&Path>) -> CommandResult<Vec<(String, String)>> {
    let module = &answers.module;
    let model = &answers.model;
    let mut schema = format!("//! The models of {}.\n\n/// A first model: add fields, or more models, then `pookie makemigrations`.\nmodel {} {{\n", answers.name, model.name);
    for (name, kind) in &model.fields {
        schema.push_str(&format!("    {name} = {kind}\n"));
    }
    schema.push_str("}\n");
    let schema_path = format!("schemas/{module}.pookie");
    let loaded = pookie_grammar::load(&[pookie_grammar::Source {
        path: schema_path.clone().into(),
        text: schema,
    }])
    .map_err(|diagnostics| {
        CommandError(format!(
            "the first model is not valid:\n{diagnostics}\n  = help: fix --model (or the fields you typed)"
        ))
    })?;
    let schema = pookie_grammar::print_module(&loaded.modules[0]);
    let version = env!("CARGO_PKG_VERSION");
    let dependency = |name: &str, dir: &str| match pookie_path {
        Some(path) => format!(
            "{name} = {{ path = \"{}\" }}",
            path.join(dir).display().to_string().replace('\\', "/")
        ),
        None => format!("{name} = \"{version}\""),
    };
    let cargo = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{}\n\n[build-dependencies]\n{}\n",
        dependency("pookie", "runtime"),
        dependency("pookie-codegen", "codegen"),
        name = answers.name
    );
    let build = format!(
        "//! Generates the models of `schemas/` and embeds the migrations of `migrations/`.\n\n\
         fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
         println!(\"cargo:rerun-if-changed=schemas\");\n    \
         println!(\"cargo:rerun-if-changed=migrations\");\n    \
         pookie_codegen::Config::new()\n        .migrations(\"migrations\")\n        \
         .compile(&[\"{schema_path}\"])?;\n    Ok(())\n}}\n"
    );
    let main = format!(
        r#"//! {name}: connects, applies the migrations the build embedded, runs a query.

use std::process::ExitCode;

/// The models of `schemas/{module}.pookie`, generated by `build.rs`.
pub mod models {{
    pookie::include_models!("{module}");
}}

use models::{model};

fn main() -> ExitCode {{
    match run() {{
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {{
            eprintln!("error: {{error}}");
            ExitCode::FAILURE
        }}
    }}
}}

fn run() -> pookie::Result<()> {{
    // `DATABASE_URL` overrides the URL of pookie.toml, as for the `pookie` CLI.
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "{url}".to_owned());
    let db = pookie::Db::connect(&url)?;
    for name in pookie::migrate(&db, &pookie::include_migrations!())? {{
        println!("Applied migration {{name}}");
    }}
    let count = {model}::objects().count(&db)?;
    println!("{{count}} {model} row(s) in the database");
    Ok(())
}}
"#,
        name = answers.name,
        model = model.name,
        url = answers.url.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let settings = format!(
        "# The settings of the `pookie` command line (makemigrations, migrate, dbshell, …).\n\
         schemas = [\"schemas/*.pookie\"]\nmigrations = \"migrations\"\n\n\
         [databases.default]\nurl = \"{}\"\n",
        answers.url.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let gitignore = "/target\n*.sqlite3\n*.sqlite3-journal\n*.sqlite3-wal\n*.sqlite3-shm\n";
    let gitattributes = "# Migration checksums are taken over LF text: keep it LF on every platform.\nmigrations/** text eol=lf\n*.pookie text eol=lf\n";
    Ok(vec![
        ("Cargo.toml".to_owned(), cargo),
        ("build.rs".to_owned(), build),
        ("src/main.rs".to_owned(), main),
        (schema_path, schema),
        ("pookie.toml".to_owned(), settings),
        (".gitignore".to_owned(), gitignore.to_owned()),
        (".gitattributes".to_owned(), gitattributes.to_owned()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_as_cargo_new_does() {
        assert!(validate_name("blog").is_ok());
        assert!(validate_name("my-blog_2").is_ok());
        assert!(validate_name("2blog").is_err());
        assert!(validate_name("fn").is_err());
        assert!(validate_name("a b").is_err());
        assert!(validate_name("").is_err());
    }

    #[test]
    fn the_model_flag_is_read() {
        let model =
            parse_model("Author name:CharField(max_length = 100) email:EmailField").unwrap();
        assert_eq!(model.name, "Author");
        assert_eq!(
            model.fields,
            [
                ("name".to_owned(), "CharField(max_length = 100)".to_owned()),
                ("email".to_owned(), "EmailField()".to_owned())
            ]
        );
        assert!(parse_model("author name:TextField").is_err());
        assert!(parse_model("Author").is_err());
        assert!(parse_model("Author name").is_err());
    }
}
