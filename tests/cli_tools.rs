//! The tool commands of the `pookie` CLI, run as a user runs them: `fmt`,
//! `graph` (its output parsed back, Mermaid and DOT), `dbshell` on both
//! backends, `completions`, and what every command owes a terminal: exit
//! codes, a closed pipe, a full disk.

#[macro_use]
#[allow(unused_macros)]
mod support;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn pookie_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("the pookie binary runs")
}

fn pookie(args: &[&str]) -> Output {
    pookie_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn schema_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pookie"))
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------- fmt

#[test]
fn fmt_is_idempotent_on_every_schema_and_keeps_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for file in schema_files() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&file, dir.path().join(&name)).unwrap();
        names.push(name);
    }
    let args: Vec<&str> = std::iter::once("fmt")
        .chain(names.iter().map(String::as_str))
        .collect();
    let first = pookie_in(dir.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let once: Vec<String> = names
        .iter()
        .map(|n| std::fs::read_to_string(dir.path().join(n)).unwrap())
        .collect();

    // A second run changes nothing, and --check agrees.
    let mut check = args.clone();
    check.push("--check");
    let second = pookie_in(dir.path(), &check);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stdout));
    assert_eq!(
        text(&second.stdout),
        format!("{} file(s) already formatted\n", names.len())
    );
    for (name, before) in names.iter().zip(&once) {
        assert_eq!(
            &std::fs::read_to_string(dir.path().join(name)).unwrap(),
            before
        );
    }

    // The formatted files describe the same models as the originals.
    let original = pookie_grammar::load_files(&schema_files()).unwrap();
    let formatted_files: Vec<PathBuf> = names.iter().map(|n| dir.path().join(n)).collect();
    let formatted = pookie_grammar::load_files(&formatted_files).unwrap();
    for (a, b) in original.modules.iter().zip(&formatted.modules) {
        assert_eq!(a.models, b.models, "{}", a.name);
        assert_eq!(a.enums, b.enums, "{}", a.name);
        assert_eq!(a.doc, b.doc, "{}", a.name);
    }
}

#[test]
fn fmt_check_lists_the_files_that_would_change_and_keeps_comments() {
    let dir = tempfile::tempdir().unwrap();
    let messy = "// People who write.\nmodel Author {\n  name = CharField(unique=true, max_length=100) // shown on posts\n    /// Where to write to them.\n  email = EmailField()\n}\n";
    std::fs::write(dir.path().join("app.pookie"), messy).unwrap();
    let check = pookie_in(dir.path(), &["fmt", "--check", "app.pookie"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(text(&check.stdout), "would reformat app.pookie\n");
    assert_eq!(
        text(&check.stderr),
        "1 file(s) would be reformatted, 0 already formatted: run `pookie fmt`\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.pookie")).unwrap(),
        messy
    );

    let run = pookie_in(dir.path(), &["fmt", "app.pookie"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        text(&run.stdout),
        "reformatted app.pookie\n1 file(s) reformatted, 0 already formatted\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.pookie")).unwrap(),
        "// People who write.\nmodel Author {\n    // shown on posts\n    name  = CharField(max_length = 100, unique = true)\n    /// Where to write to them.\n    email = EmailField()\n}\n"
    );
}

#[test]
fn fmt_refuses_a_comment_it_cannot_keep() {
    let dir = tempfile::tempdir().unwrap();
    let text_before = "model Author {\n    name = TextField()\n    meta {\n        // the old table\n        db_table = \"writers\"\n    }\n}\n";
    std::fs::write(dir.path().join("app.pookie"), text_before).unwrap();
    let run = pookie_in(dir.path(), &["fmt", "app.pookie"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        text(&run.stderr),
        "error: app.pookie:4: this comment is above something that is not a model or a field; \
         `pookie fmt` keeps a `//` comment only above a model or a field, or at the end of a \
         field's line: move it there, or make it a `///` doc comment\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.pookie")).unwrap(),
        text_before
    );
}

#[test]
fn fmt_reads_the_schemas_of_the_settings() {
    // This repository's pookie.toml names schemas/blog.pookie, which is formatted.
    let run = pookie(&["fmt", "--check"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(text(&run.stdout), "1 file(s) already formatted\n");
}

// ---------------------------------------------------------------- graph

/// A diagram read back: entities with their attributes, and relationships.
#[derive(Debug, Default)]
struct Diagram {
    entities: Vec<(String, Vec<String>)>,
    relationships: BTreeSet<(String, String, String, String)>,
}

/// Reads Mermaid `erDiagram` text, failing on any line outside its grammar.
fn parse_mermaid(text: &str) -> Diagram {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("erDiagram"));
    let mut diagram = Diagram::default();
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let mut open: Option<(String, Vec<String>)> = None;
    for line in lines {
        if let Some((name, attributes)) = &mut open {
            if line == "    }" {
                diagram
                    .entities
                    .push((name.clone(), std::mem::take(attributes)));
                open = None;
                continue;
            }
            let rest = line
                .strip_prefix("        ")
                .unwrap_or_else(|| panic!("bad attribute line {line:?}"));
            let (head, keys) = match rest
                .split_once(" PK")
                .or_else(|| rest.split_once(" FK"))
                .or_else(|| rest.split_once(" UK"))
            {
                Some((head, _)) => (head, &rest[head.len()..]),
                None => (rest, ""),
            };
            let parts: Vec<&str> = head.split(' ').collect();
            assert!(
                parts.len() == 2 && ident(parts[0]) && ident(parts[1]),
                "bad attribute {line:?}"
            );
            for key in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                assert!(
                    ["PK", "FK", "UK"].contains(&key),
                    "bad key {key:?} in {line:?}"
                );
            }
            attributes.push(format!("{}{}", parts[1], keys));
            continue;
        }
        let line = line
            .strip_prefix("    ")
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        if let Some(name) = line.strip_suffix(" {") {
            assert!(ident(name), "bad entity {line:?}");
            open = Some((name.to_owned(), Vec::new()));
            continue;
        }
        let (left, label) = line
            .split_once(" : ")
            .unwrap_or_else(|| panic!("bad relationship {line:?}"));
        let label = label
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("unquoted label in {line:?}"));
        let parts: Vec<&str> = left.split(' ').collect();
        assert_eq!(parts.len(), 3, "bad relationship {line:?}");
        let (a, b) = parts[1]
            .split_once("--")
            .unwrap_or_else(|| panic!("bad cardinality {line:?}"));
        assert!(["|o", "||", "}o", "}|"].contains(&a), "bad left {a:?}");
        assert!(["o|", "||", "o{", "|{"].contains(&b), "bad right {b:?}");
        assert!(ident(parts[0]) && ident(parts[2]), "{line:?}");
        diagram.relationships.insert((
            parts[0].to_owned(),
            parts[1].to_owned(),
            parts[2].to_owned(),
            label.to_owned(),
        ));
    }
    assert!(open.is_none(), "an entity is not closed");
    diagram
}

/// Reads DOT with a Graphviz parser: entities are nodes, relationships edges.
fn parse_dot(text: &str) -> Diagram {
    use graphviz_rust::dot_structures::{Edge, EdgeTy, Graph, Id, Node, Stmt, Vertex};
    let graph = graphviz_rust::parse(text).unwrap_or_else(|e| panic!("invalid DOT: {e}\n{text}"));
    let Graph::DiGraph { stmts, .. } = graph else {
        panic!("not a digraph")
    };
    let id = |id: &Id| match id {
        Id::Plain(s) | Id::Escaped(s) | Id::Html(s) => s.trim_matches('"').to_owned(),
        Id::Anonymous(s) => s.clone(),
    };
    let attribute = |attributes: &[graphviz_rust::dot_structures::Attribute], key: &str| {
        attributes
            .iter()
            .find(|a| id(&a.0) == key)
            .map(|a| id(&a.1))
            .unwrap_or_default()
    };
    let mut diagram = Diagram::default();
    for stmt in stmts {
        match stmt {
            Stmt::Node(Node {
                id: node,
                attributes,
            }) => {
                let label = attribute(&attributes, "label");
                let rows = label.matches("<tr>").count();
                diagram
                    .entities
                    .push((id(&node.0), vec![String::new(); rows - 1]));
            }
            Stmt::Edge(Edge {
                ty: EdgeTy::Pair(Vertex::N(from), Vertex::N(to)),
                attributes,
            }) => {
                let cardinality = format!(
                    "{}--{}",
                    attribute(&attributes, "arrowtail"),
                    attribute(&attributes, "arrowhead")
                );
                diagram.relationships.insert((
                    id(&from.0),
                    cardinality,
                    id(&to.0),
                    attribute(&attributes, "label"),
                ));
            }
            _ => {}
        }
    }
    diagram
}

fn graph(args: &[&str]) -> String {
    let run = pookie(args);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    text(&run.stdout)
}

fn relationship(
    from: &str,
    cardinality: &str,
    to: &str,
    label: &str,
) -> (String, String, String, String) {
    (from.into(), cardinality.into(), to.into(), label.into())
}

#[test]
fn graph_of_the_blog_in_mermaid_and_dot() {
    let mermaid = parse_mermaid(&graph(&["graph", "schemas/blog.pookie"]));
    let names: Vec<&str> = mermaid.entities.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Tag", "Author", "Post", "UserProfile"]);
    let post = &mermaid.entities[2].1;
    assert!(post.contains(&"id PK".to_owned()), "{post:?}");
    assert!(post.contains(&"author_id FK".to_owned()), "{post:?}");
    assert!(post.contains(&"slug UK".to_owned()), "{post:?}");
    assert_eq!(
        mermaid.relationships,
        BTreeSet::from([
            relationship("Post", "}o--||", "Author", "author"),
            relationship("Post", "}o--o{", "Tag", "tags"),
            relationship("UserProfile", "|o--||", "Author", "author"),
        ])
    );

    let dot = parse_dot(&graph(&["graph", "--format", "dot", "schemas/blog.pookie"]));
    let names: Vec<&str> = dot.entities.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Tag", "Author", "Post", "UserProfile"]);
    for ((_, a), (_, b)) in mermaid.entities.iter().zip(&dot.entities) {
        assert_eq!(a.len(), b.len());
    }
    assert_eq!(
        dot.relationships,
        BTreeSet::from([
            relationship("Post", "crowodot--teetee", "Author", "author"),
            relationship("Post", "crowodot--crowodot", "Tag", "tags"),
            relationship("UserProfile", "teeodot--teetee", "Author", "author"),
        ])
    );
}

#[test]
fn graph_of_every_schema_has_every_relation() {
    // The relations schema refers to models of the other schemas: one build.
    let files = schema_files();
    let schema = pookie_grammar::load_files(&files).unwrap();
    let mut expected = BTreeSet::new();
    let mut nullable = 0;
    for model in schema
        .modules
        .iter()
        .flat_map(|m| &m.models)
        .filter(|m| !m.is_abstract)
    {
        for field in &model.fields {
            use pookie_grammar::ir::FieldKind;
            if matches!(
                field.kind,
                FieldKind::ForeignKey(_)
                    | FieldKind::OneToOneField(_)
                    | FieldKind::ManyToManyField(_)
            ) {
                expected.insert((model.name.clone(), field.name.clone()));
                if field.options.null && !matches!(field.kind, FieldKind::ManyToManyField(_)) {
                    nullable += 1;
                }
            }
        }
    }
    let paths: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut args = vec!["graph"];
    args.extend(paths.iter().map(String::as_str));
    let mermaid = parse_mermaid(&graph(&args));
    args.extend(["--format", "dot"]);
    let dot = parse_dot(&graph(&args));
    for diagram in [&mermaid, &dot] {
        let drawn: BTreeSet<(String, String)> = diagram
            .relationships
            .iter()
            .map(|(from, _, _, label)| (from.clone(), label.clone()))
            .collect();
        assert_eq!(drawn, expected);
        let entities: BTreeSet<&str> = diagram.entities.iter().map(|(n, _)| n.as_str()).collect();
        for (from, _, to, _) in &diagram.relationships {
            assert!(entities.contains(from.as_str()) && entities.contains(to.as_str()));
        }
    }
    assert!(nullable > 0);
    assert_eq!(
        mermaid
            .relationships
            .iter()
            .filter(|r| r.1.ends_with("o|"))
            .count(),
        nullable
    );
    // A self-relation is an edge from the model to itself.
    assert!(mermaid
        .relationships
        .iter()
        .any(|(from, _, to, _)| from == to));
}

#[test]
fn graph_draws_only_the_models_asked_and_names_an_unknown_one() {
    let mermaid = parse_mermaid(&graph(&[
        "graph",
        "--models",
        "Author,Post",
        "schemas/blog.pookie",
    ]));
    assert_eq!(mermaid.entities.len(), 2);
    assert_eq!(
        mermaid.relationships,
        BTreeSet::from([relationship("Post", "}o--||", "Author", "author")])
    );
    let run = pookie(&["graph", "--models", "Writer", "schemas/blog.pookie"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        text(&run.stderr),
        "error: --models names `Writer`, which is not a model of the schema; the models are Author, Post, Tag, UserProfile\n"
    );
}

#[test]
fn graph_of_a_live_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.sqlite3");
    let db = pookie::Db::connect(&format!("sqlite:///{}", file.display())).unwrap();
    db.execute(
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        &[],
    )
    .unwrap();
    db.execute(
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, \
         author_id INTEGER NOT NULL REFERENCES authors (id))",
        &[],
    )
    .unwrap();
    drop(db);
    let url = format!("sqlite:///{}", file.display());
    let mermaid = parse_mermaid(&graph(&["graph", "--database", &url]));
    let names: BTreeSet<&str> = mermaid.entities.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, BTreeSet::from(["Authors", "Books"]));
    assert_eq!(mermaid.relationships.len(), 1);
    let (from, cardinality, to, _) = mermaid.relationships.iter().next().unwrap();
    assert_eq!(
        (from.as_str(), cardinality.as_str(), to.as_str()),
        ("Books", "}o--||", "Authors")
    );
}

#[test]
fn graph_of_a_live_postgres_schema() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    for sql in [
        "CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE profiles (id serial PRIMARY KEY, \
         author_id integer UNIQUE REFERENCES authors (id))",
    ] {
        test_db.db.execute(sql, &[]).unwrap();
    }
    let schema = test_db.schema().unwrap();
    let mermaid = parse_mermaid(&graph(&[
        "graph",
        "--database",
        test_db.url(),
        "--schema",
        schema,
    ]));
    let names: BTreeSet<&str> = mermaid.entities.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, BTreeSet::from(["Authors", "Profiles"]));
    // A nullable unique key: one author has at most one profile, a profile at most one author.
    let (from, cardinality, to, _) = mermaid.relationships.iter().next().unwrap();
    assert_eq!(
        (from.as_str(), cardinality.as_str(), to.as_str()),
        ("Profiles", "|o--o|", "Authors")
    );
}

#[test]
fn readme_shows_the_blog_diagram() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let diagram = graph(&["graph", "schemas/blog.pookie"]);
    assert!(
        readme.contains(&format!("```mermaid\n{diagram}```")),
        "README.md must show `pookie graph schemas/blog.pookie` in a ```mermaid block"
    );
}

// ---------------------------------------------------------------- dbshell

/// Whether the database shell `client` is installed; without it the test is
/// skipped with a notice (a failure in CI, whose script installs it).
fn client_installed(client: &str) -> bool {
    if Command::new(client).arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        !support::in_ci(),
        "`{client}` is not installed: CI must run the dbshell tests (see .ci/run)"
    );
    static NOTICE: std::sync::Once = std::sync::Once::new();
    support::skipped(
        &NOTICE,
        &format!("a dbshell test skipped: `{client}` is not installed (apt-get install sqlite3 postgresql-client)"),
    );
    false
}

fn dbshell(url: &str, args: &[&str]) -> Output {
    let mut all = vec!["dbshell", "--database", url, "--"];
    all.extend_from_slice(args);
    pookie(&all)
}

#[test]
fn dbshell_runs_a_statement_on_sqlite() {
    if !client_installed("sqlite3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("shell.sqlite3").display());
    let run = dbshell(
        &url,
        &["CREATE TABLE t (x); INSERT INTO t VALUES (41); SELECT x + 1 FROM t;"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(text(&run.stdout), "42\n");
}

#[test]
fn dbshell_runs_a_statement_on_postgres() {
    let Some(test_db) = support::postgres() else {
        return;
    };
    if !client_installed("psql") {
        return;
    }
    test_db
        .db
        .execute("CREATE TABLE t (x integer)", &[])
        .and_then(|_| test_db.db.execute("INSERT INTO t VALUES (41)", &[]))
        .unwrap();
    // The test's own schema comes through PGOPTIONS (search_path).
    let run = dbshell(test_db.url(), &["-tAc", "SELECT x + 1 FROM t"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(text(&run.stdout), "42\n");
}

#[test]
fn dbshell_names_the_package_of_a_missing_client() {
    for (url, client, package) in [
        ("sqlite:///nowhere.sqlite3", "sqlite3", "sqlite3"),
        (
            "postgresql://app:s3cret@localhost/app",
            "psql",
            "postgresql-client",
        ),
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_pookie"))
            .args(["dbshell", "--database", url])
            .env("PATH", "/nonexistent")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1));
        let stderr = text(&run.stderr);
        assert!(
            stderr.contains(&format!(
                "`{client}`, the database's shell, is not installed"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("apt-get install {package}")),
            "{stderr}"
        );
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
}

// ---------------------------------------------------------------- the terminal

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_pookie()"),
        ("zsh", "#compdef pookie"),
        ("fish", "complete -c pookie"),
    ] {
        let script = graph(&["completions", shell]);
        assert!(script.contains(marker), "{shell}");
        for command in ["makemigrations", "graph", "dbshell", "fmt", "init"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
}

#[test]
fn exit_codes_are_0_1_and_2() {
    assert_eq!(
        pookie(&["check", "schemas/blog.pookie"]).status.code(),
        Some(0)
    );
    assert_eq!(
        pookie(&["check", "schemas/nope.pookie"]).status.code(),
        Some(1)
    );
    assert_eq!(
        pookie(&["migrate", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(pookie(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(pookie(&["graph", "--format", "png"]).status.code(), Some(2));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(["completions", "bash"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `head -c 1` would.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_full_disk_is_a_message_and_exit_1() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    for args in [
        &["graph", "schemas/blog.pookie"][..],
        &["completions", "zsh"],
        &["--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_pookie"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(
            text(&output.stderr),
            "error: cannot write the output: No space left on device (os error 28)\n"
        );
    }
}

#[test]
fn colours_only_when_asked() {
    // Piped: no colour codes, even in errors.
    let run = pookie(&["check", "schemas/nope.pookie"]);
    assert!(!text(&run.stderr).contains('\u{1b}'));
    // Forced on: coloured.
    let forced = Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(["graph", "--models", "Nope", "schemas/blog.pookie"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        text(&forced.stderr).starts_with("\u{1b}["),
        "{:?}",
        text(&forced.stderr)
    );
    // NO_COLOR wins even over a forced colour.
    let no_color = Command::new(env!("CARGO_BIN_EXE_pookie"))
        .args(["graph", "--models", "Nope", "schemas/blog.pookie"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(text(&no_color.stderr).starts_with("error: --models"));
}
