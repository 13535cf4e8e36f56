//! The migrations folder: reading and replaying it, its errors, writing a new
//! migration with its review files, and checksums.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use pookie_codegen::migrate::diff::{diff, NoInput};
use pookie_codegen::migrate::folder::{checksum, write_migration, Folder, MIGRATION_FILE};
use pookie_codegen::migrate::{render_migration, Rendered, RenderedScript, RenderedStep};
use pookie_dialect::Dialect;
use pookie_grammar::migration::{print_migration, Backend, MigrationText, State};
use pookie_grammar::Source;

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pookie-migrate-folder-{}-{name}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn state(text: &str) -> State {
    let schema = pookie_grammar::load(&[Source {
        path: "test.pookie".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    State::from_schema(&schema, "default")
}

const V1: &str = "model Author {\n    name = CharField(max_length = 100)\n}\n";
const V2: &str =
    "model Author {\n    name = CharField(max_length = 100)\n    bio = TextField(null = true)\n}\n";

/// The text of the migration from `from` to the schema `to`.
fn migration_text(from: &State, to: &str) -> String {
    let changes = diff(from, &state(to), &mut NoInput).unwrap_or_else(|e| panic!("{e}"));
    print_migration(&changes.to_text())
}

fn put(dir: &Path, name: &str, text: &str) {
    fs::create_dir_all(dir.join(name)).unwrap();
    fs::write(dir.join(name).join(MIGRATION_FILE), text).unwrap();
}

/// A folder with 0001 (V1) and 0002 (V2).
fn two_migrations(dir: &Path) {
    put(dir, "0001_initial", &migration_text(&State::default(), V1));
    put(dir, "0002_add_author_bio", &migration_text(&state(V1), V2));
}

#[test]
fn a_missing_folder_has_no_migrations() {
    let tmp = TempDir::new("missing");
    let folder = Folder::read(&tmp.0.join("migrations")).unwrap();
    assert!(folder.migrations.is_empty());
    assert_eq!(folder.state(), State::default());
    assert_eq!(folder.next_number(), 1);
}

#[test]
fn migrations_are_read_in_order_and_replayed() {
    let tmp = TempDir::new("read");
    two_migrations(&tmp.0);
    fs::write(tmp.0.join("README.md"), "notes").unwrap();
    let folder = Folder::read(&tmp.0).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = folder.migrations.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["0001_initial", "0002_add_author_bio"]);
    assert_eq!(folder.migrations[1].number, 2);
    assert_eq!(folder.next_number(), 3);
    assert_eq!(folder.migrations[0].parsed.operations.len(), 1);
    assert_eq!(folder.state_before(1), folder.migrations[0].state);
    assert!(diff(&folder.state(), &state(V2), &mut NoInput)
        .unwrap()
        .is_empty());
    let m = &folder.migrations[1];
    assert_eq!(m.checksum, checksum(&m.text));
    assert_eq!(m.checksum.len(), 64);
    assert!(m
        .checksum
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn checksums_ignore_line_endings_and_a_bom() {
    assert_eq!(checksum("a\nb\n"), checksum("\u{feff}a\r\nb\r\n"));
    assert_eq!(checksum("a\nb\n"), checksum("a\rb\r"));
    assert_ne!(checksum("a\nb\n"), checksum("a\nb"));
    // SHA-256 of the empty string.
    assert_eq!(
        checksum(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

fn error_of(dir: &Path) -> String {
    Folder::read(dir).unwrap_err().to_string()
}

#[test]
fn a_gap_in_numbers_is_an_error() {
    let tmp = TempDir::new("gap");
    put(
        &tmp.0,
        "0001_initial",
        &migration_text(&State::default(), V1),
    );
    put(
        &tmp.0,
        "0003_add_author_bio",
        &migration_text(&state(V1), V2),
    );
    let error = error_of(&tmp.0);
    assert!(error.contains("0003_add_author_bio"), "{error}");
    assert!(error.contains("no migration 0002"), "{error}");
}

#[test]
fn a_duplicate_number_is_an_error() {
    let tmp = TempDir::new("dup");
    two_migrations(&tmp.0);
    put(&tmp.0, "0002_other", &migration_text(&state(V1), V2));
    let error = error_of(&tmp.0);
    assert!(
        error.contains("`0002_add_author_bio` and `0002_other`"),
        "{error}"
    );
    assert!(error.contains("same number"), "{error}");
}

#[test]
fn a_folder_without_its_file_is_an_error() {
    let tmp = TempDir::new("nofile");
    fs::create_dir_all(tmp.0.join("0001_initial")).unwrap();
    let error = error_of(&tmp.0);
    assert!(error.contains("0001_initial"), "{error}");
    assert!(error.contains("has no `migration.pookie`"), "{error}");
}

#[test]
fn a_bad_folder_name_is_an_error() {
    for bad in [
        "001_initial",
        "0001-initial",
        "0001_Initial",
        "initial",
        "0001_",
    ] {
        let tmp = TempDir::new("badname");
        put(&tmp.0, bad, &migration_text(&State::default(), V1));
        let error = error_of(&tmp.0);
        assert!(error.contains(bad), "{error}");
        assert!(error.contains("NNNN_snake_name"), "{error}");
    }
}

#[test]
fn a_migration_that_does_not_parse_is_an_error() {
    let tmp = TempDir::new("parse");
    put(&tmp.0, "0001_initial", "CreateModle(name = Author) {}\n");
    let error = error_of(&tmp.0);
    assert!(
        error.contains("migration `0001_initial` does not parse"),
        "{error}"
    );
    assert!(error.contains("migration.pookie"), "{error}");
}

#[test]
fn a_migration_that_does_not_apply_is_an_error() {
    let tmp = TempDir::new("apply");
    put(
        &tmp.0,
        "0001_initial",
        &migration_text(&State::default(), V1),
    );
    put(
        &tmp.0,
        "0002_remove",
        "RemoveField(model = Author, name = \"nickname\")\n",
    );
    let error = error_of(&tmp.0);
    assert!(error.contains("0002_remove"), "{error}");
    assert!(error.contains("nickname"), "{error}");
}

#[test]
fn a_migration_file_that_cannot_be_read_is_an_error() {
    // A directory where the file should be: unreadable even for root.
    let tmp = TempDir::new("notafile");
    put(
        &tmp.0,
        "0001_initial",
        &migration_text(&State::default(), V1),
    );
    fs::create_dir_all(tmp.0.join("0002_broken").join(MIGRATION_FILE)).unwrap();
    let error = error_of(&tmp.0);
    assert!(error.contains("cannot read the migration"), "{error}");
    assert!(error.contains("0002_broken"), "{error}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("unreadable");
    two_migrations(&tmp.0);
    let file = tmp.0.join("0002_add_author_bio").join(MIGRATION_FILE);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&file).is_ok() {
        // Running as root: permissions do not stop reads.
        return;
    }
    let error = error_of(&tmp.0);
    assert!(error.contains("cannot read"), "{error}");
    assert!(error.contains("0002_add_author_bio"), "{error}");
}

fn rendered(from: &State, text: &MigrationText, dialect: Dialect) -> Rendered {
    render_migration(from, &text.operations, dialect).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_new_migration_is_written_with_its_review_files() {
    let tmp = TempDir::new("write");
    let dir = tmp.0.join("migrations");
    let changes = diff(&State::default(), &state(V1), &mut NoInput).unwrap();
    let text = changes.to_text();
    let both = [
        (
            Backend::Sqlite,
            rendered(&State::default(), &text, Dialect::Sqlite),
        ),
        (
            Backend::Postgres,
            rendered(&State::default(), &text, Dialect::Postgres),
        ),
    ];
    let written = write_migration(&dir, "0001_initial", &text, &both).unwrap();
    assert_eq!(written, dir.join("0001_initial"));
    let mut files: Vec<String> = fs::read_dir(&written)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "migration.pookie",
            "postgres.down.sql",
            "postgres.up.sql",
            "sqlite.down.sql",
            "sqlite.up.sql"
        ]
    );
    let up = fs::read_to_string(written.join("sqlite.up.sql")).unwrap();
    assert!(up.starts_with("-- 0001_initial, up, on SQLite."), "{up}");
    assert!(up.contains("CREATE TABLE \"authors\""), "{up}");
    assert!(up.contains(");\n\n"), "{up}");
    let down = fs::read_to_string(written.join("postgres.down.sql")).unwrap();
    assert!(down.contains("DROP TABLE \"authors\";\n\n"), "{down}");
    // The folder reads back as the first migration.
    let folder = Folder::read(&dir).unwrap();
    assert_eq!(folder.migrations[0].parsed.operations, text.operations);
    // Writing it again is refused; so is a bad name.
    let again = write_migration(&dir, "0001_initial", &text, &both).unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
    let bad = write_migration(&dir, "1_initial", &text, &both).unwrap_err();
    assert!(bad.to_string().contains("NNNN_snake_name"), "{bad}");
    // Nothing left behind but the migration.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn review_files_show_rust_steps_and_irreversible_downs() {
    let tmp = TempDir::new("review");
    let text = MigrationText {
        doc: None,
        replaces: Vec::new(),
        operations: vec![pookie_grammar::migration::Operation::RunRust {
            forward: "backfill".into(),
            backward: None,
        }],
        notes: Vec::new(),
    };
    let rendered = Rendered {
        up: RenderedScript {
            steps: vec![
                RenderedStep::Sql("UPDATE t SET a = 1".into()),
                RenderedStep::Script("UPDATE t SET b = 2;\nUPDATE t SET c = 3;".into()),
                RenderedStep::Rust("backfill".into()),
            ],
            rebuilds_tables: false,
        },
        down: Err("RunRust `backfill` has no backward function".into()),
    };
    let written = write_migration(
        &tmp.0,
        "0001_backfill",
        &text,
        &[(Backend::Sqlite, rendered)],
    )
    .unwrap();
    let up = fs::read_to_string(written.join("sqlite.up.sql")).unwrap();
    assert!(up.ends_with(
        "\nUPDATE t SET a = 1;\n\nUPDATE t SET b = 2;\nUPDATE t SET c = 3;\n\n-- RunRust: backfill\n\n"
    ), "{up}");
    let down = fs::read_to_string(written.join("sqlite.down.sql")).unwrap();
    assert!(
        down.contains("-- Irreversible: RunRust `backfill` has no backward function"),
        "{down}"
    );
    assert!(!written.join("postgres.up.sql").exists());
}

const BLOG_V1: &str = "model Tag {\n    name = CharField(max_length = 50)\n}\nmodel Author {\n    name = CharField(max_length = 100)\n    tags = ManyToManyField(Tag)\n    meta { db_table = \"authors\" }\n}\n";
const BLOG_V2: &str = "model Tag {\n    name = CharField(max_length = 50)\n}\nmodel Author {\n    name = CharField(max_length = 100, unique = true)\n    bio = TextField(null = true)\n    tags = ManyToManyField(Tag)\n    meta { db_table = \"authors\"  constraints = [Check(\"length(name) > 0\")] }\n}\n";

/// Writes the migration from `from` to the schema `to` (plus `extra`
/// operations) into `dir`, rendered for both backends.
fn make_migration(
    dir: &Path,
    name: &str,
    from: &State,
    to: &str,
    extra: Vec<pookie_grammar::migration::Operation>,
) {
    let mut text = diff(from, &state(to), &mut NoInput).unwrap().to_text();
    text.operations.extend(extra);
    let both = [
        (Backend::Sqlite, rendered(from, &text, Dialect::Sqlite)),
        (Backend::Postgres, rendered(from, &text, Dialect::Postgres)),
    ];
    write_migration(dir, name, &text, &both).unwrap_or_else(|e| panic!("{e}"));
}

/// `Config::migrations`: `$OUT_DIR/pookie_migrations.rs` for a small folder,
/// compared with `tests/migrations_golden/pookie_migrations.rs` (which the
/// test below type-checks against the runtime). Regenerate after an intended
/// change with `POOKIE_BLESS=1 cargo test -p pookie-codegen --test migrate_folder`.
#[test]
fn embedded_migrations_match_the_golden_file() {
    let tmp = TempDir::new("embed");
    let migrations = tmp.0.join("migrations");
    make_migration(
        &migrations,
        "0001_initial",
        &State::default(),
        BLOG_V1,
        Vec::new(),
    );
    make_migration(
        &migrations,
        "0002_alter_author_name",
        &state(BLOG_V1),
        BLOG_V2,
        vec![pookie_grammar::migration::Operation::RunRust {
            forward: "fill_bios".into(),
            backward: None,
        }],
    );
    let schema = tmp.0.join("blog.pookie");
    fs::write(&schema, BLOG_V2).unwrap();
    let out = tmp.0.join("out");
    pookie_codegen::Config::new()
        .out_dir(&out)
        .emit_rerun_if_changed(false)
        .migrations(&migrations)
        .compile(&[&schema])
        .unwrap_or_else(|e| panic!("{e}"));
    let code = fs::read_to_string(out.join("pookie_migrations.rs")).unwrap();
    syn::parse_str::<syn::Expr>(&code).unwrap_or_else(|e| panic!("{e}\n{code}"));
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrations_golden/pookie_migrations.rs");
    let bless = std::env::var_os("POOKIE_BLESS").is_some();
    match fs::read_to_string(&golden) {
        Ok(expected) if expected == code => {}
        Ok(_) | Err(_) if bless => {
            fs::create_dir_all(golden.parent().unwrap()).unwrap();
            fs::write(&golden, &code).unwrap();
        }
        Ok(expected) => {
            assert_eq!(
                code, expected,
                "run with POOKIE_BLESS=1 to accept the new output"
            );
        }
        Err(_) => {
            fs::create_dir_all(golden.parent().unwrap()).unwrap();
            fs::write(&golden, &code).unwrap();
            panic!("{} was missing: written, review it", golden.display());
        }
    }
    // Written only when changed: compiling again leaves the file alone.
    let modified = fs::metadata(out.join("pookie_migrations.rs"))
        .unwrap()
        .modified()
        .unwrap();
    pookie_codegen::Config::new()
        .out_dir(&out)
        .emit_rerun_if_changed(false)
        .migrations(&migrations)
        .compile(&[&schema])
        .unwrap();
    assert_eq!(
        fs::metadata(out.join("pookie_migrations.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
}

/// The golden file is a `&'static [Migration]` the runtime accepts as a static.
static GOLDEN: &[pookie::migrate::Migration] = include!("migrations_golden/pookie_migrations.rs");

#[test]
fn the_golden_file_is_the_runtime_type() {
    assert_eq!(GOLDEN.len(), 2);
    assert_eq!(GOLDEN[0].name, "0001_initial");
    assert_eq!(GOLDEN[0].creates_tables.len(), 3);
    assert!(matches!(
        GOLDEN[1].sqlite.down,
        pookie::migrate::Down::Irreversible(_)
    ));
}

#[test]
fn a_broken_folder_fails_the_build_with_the_reason() {
    let tmp = TempDir::new("embed-broken");
    let migrations = tmp.0.join("migrations");
    put(
        &migrations,
        "0001_initial",
        "CreateModle(name = Author) {}\n",
    );
    let schema = tmp.0.join("blog.pookie");
    fs::write(&schema, V1).unwrap();
    let error = pookie_codegen::Config::new()
        .out_dir(tmp.0.join("out"))
        .emit_rerun_if_changed(false)
        .migrations(&migrations)
        .compile(&[&schema])
        .unwrap_err()
        .to_string();
    assert!(error.contains("0001_initial"), "{error}");
    assert!(error.contains("does not parse"), "{error}");
}

/// What `makemigrations` does for a new project, for every schema of the
/// workspace: the initial migration printed, parsed back and replayed leaves
/// the schema's state, so the next diff is empty.
#[test]
fn every_workspace_schema_round_trips_through_migration_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pookie"))
        .collect();
    files.sort();
    let schema = pookie_grammar::load_files(&files).unwrap_or_else(|e| panic!("{e}"));
    let target = State::from_schema(&schema, "default");
    let changes = diff(&State::default(), &target, &mut NoInput).unwrap();
    let tmp = TempDir::new("roundtrip");
    let text = changes.to_text();
    let both = [
        (
            Backend::Sqlite,
            rendered(&State::default(), &text, Dialect::Sqlite),
        ),
        (
            Backend::Postgres,
            rendered(&State::default(), &text, Dialect::Postgres),
        ),
    ];
    write_migration(&tmp.0, "0001_initial", &text, &both).unwrap();
    let folder = Folder::read(&tmp.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(folder.migrations[0].parsed.operations, changes.operations);
    let again = diff(&folder.state(), &target, &mut NoInput).unwrap();
    assert!(again.is_empty(), "{}", again.summary());
}

/// Answers yes to renames and gives `""` or `0` for the rows already there.
struct Yes;

impl pookie_codegen::migrate::diff::Questioner for Yes {
    fn rename_model(&mut self, _old: &str, _new: &str) -> bool {
        true
    }

    fn rename_field(&mut self, _model: &str, _old: &str, _new: &str) -> bool {
        true
    }

    fn once_default(
        &mut self,
        _model: &str,
        field: &pookie_grammar::ir::Field,
    ) -> Option<pookie_grammar::ir::DefaultValue> {
        use pookie_grammar::ir::{DefaultValue, FieldKind};
        Some(match field.kind {
            FieldKind::IntegerField => DefaultValue::Int(0),
            _ => DefaultValue::Str(String::new()),
        })
    }
}

const HISTORY: [&str; 4] = [
        "enum Status { Draft = \"draft\" }\nmodel Author {\n    name = CharField(max_length = 100)\n    legacy = TextField(null = true)\n}\nmodel Post {\n    title = CharField(max_length = 200)\n    author = ForeignKey(Author, on_delete = CASCADE)\n    status = CharField(max_length = 10, choices = Status, default = Status.Draft)\n}\n",
        "enum Status { Draft = \"draft\"  Live = \"live\" }\nmodel Writer {\n    name = CharField(max_length = 100)\n    legacy = TextField(null = true)\n    meta { renamed_from = \"Author\" }\n}\nmodel Post {\n    headline = CharField(max_length = 200, renamed_from = \"title\")\n    author = ForeignKey(Writer, on_delete = CASCADE)\n    status = CharField(max_length = 10, choices = Status, default = Status.Draft)\n    views = IntegerField()\n    meta { indexes = [Index(fields = [\"headline\"])]  constraints = [Check(\"views >= 0\")] }\n}\n",
        "enum Status { Draft = \"draft\"  Live = \"live\" }\nmodel Writer {\n    name = CharField(max_length = 50)\n    meta { db_table = \"writers\"  ordering = [\"name\"] }\n}\nmodel Post {\n    headline = CharField(max_length = 200)\n    author = ForeignKey(Writer, on_delete = CASCADE)\n    status = CharField(max_length = 10, choices = Status, default = Status.Draft)\n    views = BigIntegerField(default = 0)\n    tags = ManyToManyField(Tag)\n    meta { unique_together = [[\"author\", \"headline\"]] }\n}\nmodel Tag {\n    name = CharField(max_length = 10)\n}\n",
        "model Writer {\n    name = CharField(max_length = 50)\n    meta { db_table = \"writers\"  ordering = [\"name\"] }\n}\n",
];

/// A history of several migrations of every kind, each written, read back
/// and diffed again: the folder always ends where the schema is.
#[test]
fn a_history_of_changes_round_trips_through_the_folder() {
    let versions = HISTORY;
    let tmp = TempDir::new("history");
    for (i, version) in versions.iter().enumerate() {
        let folder = Folder::read(&tmp.0).unwrap_or_else(|e| panic!("{e}"));
        let before = folder.state();
        let changes = diff(&before, &state(version), &mut Yes).unwrap_or_else(|e| panic!("{e}"));
        assert!(!changes.is_empty(), "version {i}");
        let text = changes.to_text();
        let both = [
            (Backend::Sqlite, rendered(&before, &text, Dialect::Sqlite)),
            (
                Backend::Postgres,
                rendered(&before, &text, Dialect::Postgres),
            ),
        ];
        let name = format!(
            "{:04}_{}",
            folder.next_number(),
            pookie_codegen::migrate::naming::suggest_name(&changes.operations, i == 0)
        );
        write_migration(&tmp.0, &name, &text, &both).unwrap();
        let folder = Folder::read(&tmp.0).unwrap_or_else(|e| panic!("version {i}: {e}"));
        assert_eq!(folder.migrations.len(), i + 1);
        assert_eq!(
            folder.migrations[i].parsed.operations, changes.operations,
            "version {i}"
        );
        let again = diff(&folder.state(), &state(version), &mut NoInput)
            .unwrap_or_else(|e| panic!("version {i}: {e}"));
        assert!(again.is_empty(), "version {i}: {}", again.summary());
    }
    let names: Vec<String> = Folder::read(&tmp.0)
        .unwrap()
        .migrations
        .iter()
        .map(|m| m.name.clone())
        .collect();
    assert_eq!(names[0], "0001_initial");
}

/// Runs one rendered script the way the runner does (foreign keys off around a
/// SQLite rebuild; Rust steps are the program's, skipped here).
fn run_script(db: &pookie::Db, script: &RenderedScript, sqlite: bool) {
    let rebuild = sqlite && script.rebuilds_tables;
    if rebuild {
        db.execute("PRAGMA foreign_keys = OFF", &[]).unwrap();
    }
    for step in &script.steps {
        match step {
            RenderedStep::Sql(sql) | RenderedStep::Script(sql) => {
                db.execute(sql, &[])
                    .unwrap_or_else(|e| panic!("{e}\n{sql}"));
            }
            RenderedStep::Rust(_) => {}
        }
    }
    if rebuild {
        let broken = db.fetch_all("PRAGMA foreign_key_check", &[]).unwrap();
        assert!(broken.is_empty(), "foreign keys broken by a rebuild");
        db.execute("PRAGMA foreign_keys = ON", &[]).unwrap();
    }
}

fn count(db: &pookie::Db, table: &str) -> i64 {
    let row = db
        .fetch_one(&format!("SELECT COUNT(*) AS n FROM \"{table}\""), &[])
        .unwrap()
        .unwrap();
    match row.value("n") {
        Some(pookie::Value::Int(n)) => *n,
        other => panic!("{other:?}"),
    }
}

/// The history applied to a real database with rows in it, forwards then
/// backwards: the operations the diff orders run in that order.
fn history_on(db: &pookie::Db, sqlite: bool) {
    let dialect = if sqlite {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    };
    let mut before = State::default();
    let mut downs = Vec::new();
    for (i, version) in HISTORY.iter().enumerate() {
        let changes = diff(&before, &state(version), &mut Yes).unwrap();
        let rendered = render_migration(&before, &changes.operations, dialect)
            .unwrap_or_else(|e| panic!("{e}"));
        run_script(db, &rendered.up, sqlite);
        downs.push(rendered.down);
        for op in &changes.operations {
            before.apply(op).unwrap();
        }
        if i == 0 {
            db.execute("INSERT INTO \"authors\" (\"name\") VALUES ('Ada')", &[])
                .unwrap();
            db.execute(
                "INSERT INTO \"posts\" (\"title\", \"author_id\", \"status\") VALUES ('Hello', 1, 'draft')",
                &[],
            )
            .unwrap();
        }
        if i == 2 {
            assert_eq!(count(db, "posts"), 1);
        }
    }
    assert_eq!(count(db, "writers"), 1);
    for down in downs.into_iter().rev() {
        let down = down.unwrap_or_else(|why| panic!("irreversible: {why}"));
        run_script(db, &down, sqlite);
    }
    for table in ["authors", "posts", "writers", "tags"] {
        let exists = db.fetch_one(&format!("SELECT 1 FROM \"{table}\""), &[]);
        assert!(exists.is_err(), "{table} is still there after rolling back");
    }
}

#[test]
fn a_history_runs_on_sqlite_forwards_and_backwards() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    history_on(&db, true);
}

#[test]
fn a_history_runs_on_postgres_forwards_and_backwards() {
    let Ok(admin_url) = std::env::var("POOKIE_TEST_POSTGRES_URL") else {
        if std::env::var_os("CI").is_some() {
            panic!("POOKIE_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests");
        }
        eprintln!("note: PostgreSQL test skipped: POOKIE_TEST_POSTGRES_URL is not set");
        return;
    };
    static SCHEMAS: AtomicUsize = AtomicUsize::new(0);
    let schema = format!(
        "pookie_migrate_folder_{}_{}",
        std::process::id(),
        SCHEMAS.fetch_add(1, Ordering::SeqCst)
    );
    let admin = pookie::Db::connect(&admin_url).unwrap();
    admin
        .execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"), &[])
        .unwrap();
    admin
        .execute(&format!("CREATE SCHEMA \"{schema}\""), &[])
        .unwrap();
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-csearch_path%3D{schema}");
    let result = std::panic::catch_unwind(|| {
        let db = pookie::Db::connect(&url).unwrap();
        history_on(&db, false);
    });
    let _ = admin.execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"), &[]);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

const V3: &str = "model Author {\n    name = CharField(max_length = 100)\n    bio = TextField(null = true)\n}\n\nmodel Tag {\n    label = CharField(max_length = 20)\n}\n";

/// The squash of 0001 and 0002 (V1 then V2): V2 created at once.
fn squash_text() -> String {
    replacing(&["0001_initial", "0002_add_author_bio"], V2)
}

/// A migration from nothing to `schema` that replaces `names`.
fn replacing(names: &[&str], schema: &str) -> String {
    let changes = diff(&State::default(), &state(schema), &mut NoInput).unwrap();
    let mut text = changes.to_text();
    text.replaces = names.iter().map(|n| n.to_string()).collect();
    print_migration(&text)
}

#[test]
fn a_squash_beside_its_originals_is_checked_not_replayed() {
    let tmp = TempDir::new("squash-both");
    two_migrations(&tmp.0);
    put(&tmp.0, "0001_squashed_0002_add_author_bio", &squash_text());
    put(&tmp.0, "0003_add_tag", &migration_text(&state(V2), V3));
    let folder = Folder::read(&tmp.0).unwrap();
    let names: Vec<&str> = folder.migrations.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "0001_initial",
            "0002_add_author_bio",
            "0001_squashed_0002_add_author_bio",
            "0003_add_tag"
        ]
    );
    assert_eq!(
        folder.migrations[2].parsed.replaces,
        ["0001_initial", "0002_add_author_bio"]
    );
    // Rendered from the state before its first original.
    assert_eq!(folder.state_before(2), State::default());
    assert_eq!(folder.state_before(3), state(V2));
    assert!(folder.is_replaced(0) && folder.is_replaced(1) && !folder.is_replaced(2));
    assert_eq!(folder.migrations[2].last_number(), 2);
    assert_eq!(folder.state(), state(V3));
    assert_eq!(folder.next_number(), 4);
}

#[test]
fn a_squash_stands_in_for_deleted_originals() {
    let tmp = TempDir::new("squash-alone");
    put(&tmp.0, "0001_squashed_0002_add_author_bio", &squash_text());
    let folder = Folder::read(&tmp.0).unwrap();
    assert_eq!(folder.state(), state(V2));
    assert_eq!(folder.next_number(), 3);
    put(&tmp.0, "0003_add_tag", &migration_text(&state(V2), V3));
    let folder = Folder::read(&tmp.0).unwrap();
    assert_eq!(folder.state_before(1), state(V2));
    assert_eq!(folder.state(), state(V3));
}

#[test]
fn squash_layout_errors_say_what_to_do() {
    // Some originals deleted, others kept.
    let tmp = TempDir::new("squash-partial");
    two_migrations(&tmp.0);
    put(&tmp.0, "0001_squashed_0002_add_author_bio", &squash_text());
    fs::remove_dir_all(tmp.0.join("0002_add_author_bio")).unwrap();
    let error = error_of(&tmp.0);
    assert!(
        error.contains("only 0001_initial of them are in the folder"),
        "{error}"
    );
    assert!(error.contains("restore 0002_add_author_bio"), "{error}");

    // A squash numbered after its range.
    let tmp = TempDir::new("squash-number");
    put(&tmp.0, "0002_squashed", &squash_text());
    let error = error_of(&tmp.0);
    assert!(error.contains("so it takes number 0001"), "{error}");

    // Replaced migrations that are not consecutive.
    let tmp = TempDir::new("squash-gap");
    put(
        &tmp.0,
        "0001_squashed",
        &replacing(&["0001_initial", "0003_x"], V2),
    );
    let error = error_of(&tmp.0);
    assert!(error.contains("consecutive numbers"), "{error}");

    // Another migration in the covered range.
    let tmp = TempDir::new("squash-overlap");
    put(&tmp.0, "0001_squashed_0002_add_author_bio", &squash_text());
    put(&tmp.0, "0002_other", &migration_text(&state(V2), V3));
    let error = error_of(&tmp.0);
    assert!(
        error.contains("`0002_other` has number 0002, which the squashed migration"),
        "{error}"
    );

    // A gap after the squash.
    let tmp = TempDir::new("squash-after-gap");
    put(&tmp.0, "0001_squashed_0002_add_author_bio", &squash_text());
    put(&tmp.0, "0004_add_tag", &migration_text(&state(V2), V3));
    let error = error_of(&tmp.0);
    assert!(error.contains("no migration 0003 before it"), "{error}");

    // A squash that does not do what its originals do.
    let tmp = TempDir::new("squash-differs");
    two_migrations(&tmp.0);
    put(
        &tmp.0,
        "0001_squashed_0002_add_author_bio",
        &replacing(&["0001_initial", "0002_add_author_bio"], V1),
    );
    let error = error_of(&tmp.0);
    assert!(error.contains("does not leave the schema"), "{error}");
}

#[test]
fn an_embedded_squash_names_what_it_replaces() {
    let tmp = TempDir::new("embed-squash");
    let migrations = tmp.0.join("migrations");
    two_migrations(&migrations);
    put(
        &migrations,
        "0001_squashed_0002_add_author_bio",
        &squash_text(),
    );
    let schema = tmp.0.join("blog.pookie");
    fs::write(&schema, V2).unwrap();
    pookie_codegen::Config::new()
        .out_dir(tmp.0.join("out"))
        .emit_rerun_if_changed(false)
        .migrations(&migrations)
        .compile(&[&schema])
        .unwrap_or_else(|e| panic!("{e}"));
    let code = fs::read_to_string(tmp.0.join("out/pookie_migrations.rs")).unwrap();
    assert!(
        code.contains(
            "replaces: ::std::borrow::Cow::Borrowed(&[::std::borrow::Cow::Borrowed(\"0001_initial\"), ::std::borrow::Cow::Borrowed(\"0002_add_author_bio\")]),"
        ),
        "{code}"
    );
    // The squash is rendered from the empty state: it creates the table.
    let squash = &code[code.find("0001_squashed_0002_add_author_bio").unwrap()..];
    assert!(squash.contains("CREATE TABLE"), "{squash}");
}
