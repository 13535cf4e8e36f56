//! `migration.pookie`: every operation parses, prints canonically and parses back
//! to the same operations; mistakes get rustc-style diagnostics with help.

use pookie_grammar::ir::{
    CheckConstraint, DefaultValue, EnumDef, EnumVariant, Field, FieldKind, FieldOptions,
    FieldOrigin, Index, IndexMethod, Meta, Model,
};
use pookie_grammar::migration::{
    parse_migration, print_migration, Backend, MigrationText, Operation, State,
};
use pookie_grammar::{load, Source};

fn source(text: &str) -> Source {
    Source {
        path: "migrations/0002_changes/migration.pookie".into(),
        text: text.into(),
    }
}

/// The state a schema describes, flattened by hand (the state module has its own
/// tests): concrete models, every field declared, meta without inheritance.
fn state_of(schema: &str) -> State {
    let schema = load(&[Source {
        path: "before.pookie".into(),
        text: schema.into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let module = &schema.modules[0];
    State {
        models: module
            .models
            .iter()
            .filter(|model| !model.is_abstract)
            .map(|model| {
                let mut model = model.clone();
                model.extends = None;
                model.meta.inherited.clear();
                for field in &mut model.fields {
                    field.origin = FieldOrigin::Declared;
                }
                model
            })
            .collect(),
        enums: module.enums.clone(),
    }
}

const BEFORE: &str = r#"
enum Color {
    Red  = "red"
    Blue = "blue"
}

model Author {
    name = CharField(max_length = 100)
}

model Post {
    title  = CharField(max_length = 200)
    legacy = TextField(null = true)
    author = ForeignKey(Author, on_delete = CASCADE, related_name = "posts")
}
"#;

fn parse(text: &str, before: &State) -> MigrationText {
    parse_migration(&source(text), before).unwrap_or_else(|errors| panic!("{errors}\n\n{text}"))
}

fn errors(text: &str, before: &State) -> String {
    match parse_migration(&source(text), before) {
        Ok(parsed) => panic!("expected errors, parsed {parsed:#?}"),
        Err(errors) => errors.to_string(),
    }
}

/// Every operation, in canonical form: printing what it parses to gives it back.
const EVERY_OPERATION: &str = r##"//! + Create model Tag
//!   and everything else

/// A label.
CreateModel(name = Tag) {
    id         = BigAutoField(primary_key = true)
    /// Shown to readers.
    name       = CharField(max_length = 50, unique = true, renamed_from = "label")
    slug       = SlugField(db_index = true)
    small      = SmallIntegerField(default = -3, min_value = -10, max_value = 10)
    count      = IntegerField(default = 0)
    big        = BigIntegerField(default = 9007199254740993)
    ratio      = FloatField(default = 0.5, max_value = 1.5)
    price      = DecimalField(max_digits = 10, decimal_places = 2, default = "9.99")
    whole      = DecimalField(max_digits = 5, decimal_places = 0, default = 3)
    flag       = BooleanField(default = false)
    code       = FixedCharField(max_length = 2, choices = Color, default = Color.Red)
    body       = TextField(max_length = 5000, blank = true, default = "", help_text = "About \"it\".")
    email      = EmailField(max_length = 320, null = true)
    home       = URLField(null = true, default = null)
    token      = UUIDField(auto = true, editable = false)
    other      = UUIDField(default = uuid4)
    born       = DateField(default = now)
    wakes      = TimeField(default = sql("CURRENT_TIME"))
    created    = DateTimeField(auto_now_add = true)
    updated    = DateTimeField(auto_now = true, verbose_name = "updated at")
    data       = JSONField(schema = "crate::Data", null = true)
    extra      = JSONField(default = {})
    list       = JSONField(default = [])
    words      = ArrayField(CharField(max_length = 50), default = [])
    matrix     = ArrayField(ArrayField(IntegerField()), null = true)
    blob       = BinaryField(null = true, db_column = "blob_data")
    author     = ForeignKey(Author, on_delete = PROTECT, to_field = "id")
    parent     = ForeignKey(Tag, on_delete = SET_NULL, related_name = "children", null = true)
    post       = OneToOneField(Post, on_delete = DO_NOTHING, related_name = "tag_of")
    posts      = ManyToManyField(Post, related_name = "tags", db_table = "tag_posts")
    code_regex = CharField(max_length = 20, min_length = 2, regex = "^[a-z]+\\d$")

    meta {
        db_table            = "tags"
        db_alias            = "default"
        ordering            = ["-count", "name"]
        unique_together     = [["slug", "code"]]
        indexes             = [Index(fields = ["slug"], unique = true, name = "tags_slug_uniq", condition = "count > 0")]
        constraints         = [Check("count >= 0", name = "tags_count_check")]
        search_indexes      = [SearchIndex(fields = ["name", "slug"], name = "words", config = "english")]
        verbose_name        = "tag"
        verbose_name_plural = "tags"
        managed             = true
        renamed_from        = "Label"
    }
}

CreateModel(name = Pair) {
    left  = IntegerField()
    right = IntegerField()

    meta {
        primary_key = ["left", "right"]
    }
}

DeleteModel(name = Pair)

RenameModel(old = Author, new = Writer)

AlterModelTable(model = Writer, table = "writers")

AlterModelTable(model = Writer, table = null)

AlterModelOptions(model = Post) {
    meta {
        ordering     = ["-title"]
        verbose_name = "entry"
    }
}

AlterModelOptions(model = Post) {}

/// How often it was read.
AddField(model = Post, name = "view_count", field = IntegerField(default = 0))

AddField(model = Post, name = "slug", field = SlugField(), once_default = "")

AddField(model = Post, name = "writer", field = ForeignKey(Writer, on_delete = CASCADE, null = true))

RemoveField(model = Post, name = "legacy")

RenameField(model = Post, old = "title", new = "headline")

AlterField(model = Post, name = "headline", field = CharField(max_length = 300), once_default = "untitled")

AddIndex(model = Post, index = Index(fields = ["slug"], name = "posts_slug_idx"))

RemoveIndex(model = Post, name = "posts_slug_idx")

AddSearchIndex(model = Post, index = SearchIndex(fields = ["headline", "slug"]))

AddSearchIndex(model = Post, index = SearchIndex(fields = ["headline"], name = "headline_en", config = "english"))

RemoveSearchIndex(model = Post, name = "headline_slug")

AlterUniqueTogether(model = Post, unique_together = [["author", "slug"], ["headline"]])

AlterUniqueTogether(model = Post, unique_together = [])

AddConstraint(model = Post, constraint = Check("view_count >= 0", name = "posts_views_check"))

RemoveConstraint(model = Post, name = "posts_views_check")

/// The state of a post.
CreateEnum(name = Status) {
    /// Not visible yet.
    Draft     = "draft"
    Published = "published"
}

AlterEnum(name = Status) {
    Draft = "draft"
    Live  = "live"
}

CreateEnum(name = Empty) {}

DeleteEnum(name = Empty)

AddField(model = Post, name = "status", field = CharField(max_length = 10, choices = Status, default = Status.Live))

RunSQL(forward = "UPDATE posts SET slug = lower(headline)", backward = "UPDATE posts SET slug = ''", backend = "postgres")

RunSQL(
    forward = r#"
UPDATE posts
SET view_count = 1
WHERE headline LIKE '%"quoted"%';
"#,
    backward = r"
UPDATE posts
SET view_count = 0;
",
    backend = "sqlite",
)

RunSQL(forward = "SELECT 1")

RunRust(forward = "backfill_slugs", backward = "clear_slugs")

RunRust(forward = "irreversible")
"##;

#[test]
fn every_operation_prints_back_to_itself() {
    let before = state_of(BEFORE);
    let parsed = parse(EVERY_OPERATION, &before);
    let printed = print_migration(&parsed);
    assert_eq!(printed, EVERY_OPERATION);
    assert_eq!(parse(&printed, &before), parsed);
    let kinds: Vec<&str> = parsed
        .operations
        .iter()
        .map(|operation| match operation {
            Operation::CreateModel { .. } => "CreateModel",
            Operation::DeleteModel { .. } => "DeleteModel",
            Operation::RenameModel { .. } => "RenameModel",
            Operation::AlterModelTable { .. } => "AlterModelTable",
            Operation::AlterModelOptions { .. } => "AlterModelOptions",
            Operation::AddField { .. } => "AddField",
            Operation::RemoveField { .. } => "RemoveField",
            Operation::RenameField { .. } => "RenameField",
            Operation::AlterField { .. } => "AlterField",
            Operation::AddIndex { .. } => "AddIndex",
            Operation::RemoveIndex { .. } => "RemoveIndex",
            Operation::AddSearchIndex { .. } => "AddSearchIndex",
            Operation::RemoveSearchIndex { .. } => "RemoveSearchIndex",
            Operation::AlterUniqueTogether { .. } => "AlterUniqueTogether",
            Operation::AddConstraint { .. } => "AddConstraint",
            Operation::RemoveConstraint { .. } => "RemoveConstraint",
            Operation::CreateEnum { .. } => "CreateEnum",
            Operation::AlterEnum { .. } => "AlterEnum",
            Operation::DeleteEnum { .. } => "DeleteEnum",
            Operation::RunSql { .. } => "RunSQL",
            Operation::RunRust { .. } => "RunRust",
        })
        .collect();
    for kind in [
        "CreateModel",
        "DeleteModel",
        "RenameModel",
        "AlterModelTable",
        "AlterModelOptions",
        "AddField",
        "RemoveField",
        "RenameField",
        "AlterField",
        "AddIndex",
        "RemoveIndex",
        "AddSearchIndex",
        "RemoveSearchIndex",
        "AlterUniqueTogether",
        "AddConstraint",
        "RemoveConstraint",
        "CreateEnum",
        "AlterEnum",
        "DeleteEnum",
        "RunSQL",
        "RunRust",
    ] {
        assert!(kinds.contains(&kind), "{kind} is not covered");
    }
}

#[test]
fn parsed_operations_hold_what_was_written() {
    let before = state_of(BEFORE);
    let parsed = parse(EVERY_OPERATION, &before);
    assert_eq!(
        parsed.doc.as_deref(),
        Some("+ Create model Tag\n  and everything else")
    );
    assert!(parsed.notes.is_empty());
    let Operation::CreateModel { model } = &parsed.operations[0] else {
        panic!("{:?}", parsed.operations[0]);
    };
    assert_eq!(model.doc.as_deref(), Some("A label."));
    assert!(!model.is_abstract && model.extends.is_none());
    // Nothing implicit: the text lists the key, fields keep the written order.
    assert_eq!(model.fields[0].name, "id");
    assert_eq!(model.fields[0].kind, FieldKind::BigAutoField);
    assert_eq!(model.fields.last().unwrap().name, "code_regex");
    assert!(model
        .fields
        .iter()
        .all(|field| field.origin == FieldOrigin::Declared));
    let name = model.field("name").unwrap();
    assert_eq!(name.doc.as_deref(), Some("Shown to readers."));
    assert_eq!(name.options.renamed_from.as_deref(), Some("label"));
    assert_eq!(model.meta.renamed_from.as_deref(), Some("Label"));
    assert!(model.meta.inherited.is_empty());
    assert_eq!(
        model.field("price").unwrap().kind,
        FieldKind::DecimalField {
            max_digits: 10,
            decimal_places: 2
        }
    );
    let find = |wanted: &str| {
        parsed
            .operations
            .iter()
            .find(|operation| operation.describe() == wanted)
            .unwrap_or_else(|| panic!("no operation `{wanted}`"))
    };
    match find("Add field slug to Post") {
        Operation::AddField { once_default, .. } => {
            assert_eq!(once_default, &Some(DefaultValue::Str(String::new())));
        }
        other => panic!("{other:?}"),
    }
    match find("Add field view_count to Post") {
        Operation::AddField { field, .. } => {
            assert_eq!(field.doc.as_deref(), Some("How often it was read."));
        }
        other => panic!("{other:?}"),
    }
    match find("Raw SQL (sqlite)") {
        Operation::RunSql {
            forward, backward, ..
        } => {
            assert_eq!(
                forward,
                "UPDATE posts\nSET view_count = 1\nWHERE headline LIKE '%\"quoted\"%';"
            );
            assert_eq!(
                backward.as_deref(),
                Some("UPDATE posts\nSET view_count = 0;")
            );
        }
        other => panic!("{other:?}"),
    }
}

fn field(name: &str, kind: FieldKind, options: FieldOptions) -> Field {
    Field {
        name: name.into(),
        doc: None,
        kind,
        options,
        origin: FieldOrigin::Declared,
        comment: None,
    }
}

/// Built by hand, printed, parsed: the same operations.
#[test]
fn built_operations_round_trip() {
    let before = state_of(BEFORE);
    let tricky = [
        String::new(),
        "SELECT 1".to_string(),
        "quote \" backslash \\ tab \t unicode é \u{1F600}".to_string(),
        "line one\nline two".to_string(),
        "\nstarts and ends with newlines\n\n".to_string(),
        "a raw delimiter \"# and \"## inside\nover lines".to_string(),
        "carriage\r\nreturn and \u{7} bell".to_string(),
        "x".repeat(200),
        "ends with a quote\"".to_string(),
        "\"".to_string(),
    ];
    let mut operations = Vec::new();
    for (i, sql) in tricky.iter().enumerate() {
        operations.push(Operation::RunSql {
            forward: sql.clone(),
            backward: (i % 2 == 0).then(|| sql.clone()),
            backend: [None, Some(Backend::Sqlite), Some(Backend::Postgres)][i % 3],
        });
    }
    operations.push(Operation::RunRust {
        forward: "a::b".into(),
        backward: None,
    });
    let model = Model {
        name: "Note".into(),
        doc: Some("Line one.\n\n  indented".into()),
        is_abstract: false,
        extends: None,
        fields: vec![
            field(
                "id",
                FieldKind::AutoField,
                FieldOptions {
                    primary_key: true,
                    ..FieldOptions::default()
                },
            ),
            field(
                "text",
                FieldKind::CharField { max_length: 10 },
                FieldOptions {
                    default: Some(DefaultValue::Str("a \"b\"\n".into())),
                    choices: None,
                    ..FieldOptions::default()
                },
            ),
            field(
                "color",
                FieldKind::CharField { max_length: 10 },
                FieldOptions {
                    choices: Some("Color".into()),
                    default: Some(DefaultValue::EnumVariant {
                        enum_name: "Color".into(),
                        variant: "Blue".into(),
                    }),
                    ..FieldOptions::default()
                },
            ),
        ],
        meta: Meta::default(),
        comment: None,
    };
    operations.push(Operation::CreateModel { model });
    operations.push(Operation::AddIndex {
        model: "Note".into(),
        index: Index {
            fields: vec!["text".into(), "color".into()],
            unique: false,
            name: None,
            condition: None,
            method: IndexMethod::Brin,
        },
    });
    operations.push(Operation::AddConstraint {
        model: "Note".into(),
        constraint: CheckConstraint {
            check: "length(text) > 0".into(),
            name: None,
        },
    });
    operations.push(Operation::AlterEnum {
        def: EnumDef {
            name: "Color".into(),
            doc: None,
            variants: vec![EnumVariant {
                name: "Green".into(),
                value: "gr\"een".into(),
                doc: Some("doc".into()),
            }],
        },
    });
    operations.push(Operation::AlterField {
        model: "Post".into(),
        field: field(
            "legacy",
            FieldKind::FloatField,
            FieldOptions {
                null: true,
                ..FieldOptions::default()
            },
        ),
        once_default: Some(DefaultValue::Float(2.0)),
    });
    let migration = MigrationText {
        doc: Some("the doc".into()),
        replaces: Vec::new(),
        operations,
        notes: Vec::new(),
    };
    let printed = print_migration(&migration);
    assert_eq!(parse(&printed, &before), migration, "{printed}");
}

#[test]
fn notes_are_comments_above_their_operation() {
    let before = state_of(BEFORE);
    let migration = MigrationText {
        doc: None,
        replaces: Vec::new(),
        operations: vec![
            Operation::RemoveField {
                model: "Post".into(),
                name: "legacy".into(),
            },
            Operation::DeleteModel {
                name: "Post".into(),
            },
        ],
        notes: vec![
            (0, "destructive: drops column legacy".into()),
            (1, "destructive: drops table posts\nwith its rows".into()),
        ],
    };
    let printed = print_migration(&migration);
    assert_eq!(
        printed,
        "// destructive: drops column legacy\n\
         RemoveField(model = Post, name = \"legacy\")\n\
         \n\
         // destructive: drops table posts\n\
         // with its rows\n\
         DeleteModel(name = Post)\n"
    );
    let parsed = parse(&printed, &before);
    assert_eq!(parsed.operations, migration.operations);
    assert!(parsed.notes.is_empty());
}

#[test]
fn line_endings_and_bom_do_not_matter() {
    let before = state_of(BEFORE);
    let lf = parse(EVERY_OPERATION, &before);
    let crlf = EVERY_OPERATION.replace('\n', "\r\n");
    assert_eq!(parse(&crlf, &before), lf);
    assert_eq!(parse(&format!("\u{FEFF}{crlf}"), &before), lf);
    assert_eq!(parse(&EVERY_OPERATION.replace('\n', "\r"), &before), lf);
}

#[test]
fn an_empty_migration_is_fine() {
    let parsed = parse("", &State::default());
    assert_eq!(parsed, MigrationText::default());
    assert_eq!(print_migration(&parsed), "");
    let parsed = parse("//! Nothing yet.\n", &State::default());
    assert_eq!(parsed.doc.as_deref(), Some("Nothing yet."));
}

#[test]
fn relations_see_models_created_earlier_in_the_migration() {
    let text = "CreateModel(name = A) {\n    id = AutoField(primary_key = true)\n}\n\n\
                CreateModel(name = B) {\n    id = AutoField(primary_key = true)\n    a  = ForeignKey(A, on_delete = CASCADE)\n    me = ForeignKey(self, on_delete = CASCADE, related_name = \"mine\")\n}\n";
    let parsed = parse(text, &State::default());
    let Operation::CreateModel { model } = &parsed.operations[1] else {
        panic!()
    };
    match &model.field("me").unwrap().kind {
        FieldKind::ForeignKey(relation) => assert_eq!(relation.to, "B"),
        other => panic!("{other:?}"),
    }
    // Deleted before: unknown after.
    let text = "DeleteModel(name = Author)\n\nAddField(model = Post, name = \"a\", field = ForeignKey(Author, on_delete = CASCADE))\n";
    let message = errors(text, &state_of(BEFORE));
    assert!(message.contains("unknown model `Author`"), "{message}");
}

#[test]
fn unknown_operations_and_arguments_get_help() {
    let before = state_of(BEFORE);
    let message = errors("AddFeild(model = Post)\n", &before);
    assert!(
        message.contains("error: unknown operation `AddFeild`"),
        "{message}"
    );
    assert!(
        message.contains("--> migrations/0002_changes/migration.pookie:1:1"),
        "{message}"
    );
    assert!(
        message.contains("help: did you mean `AddField`?"),
        "{message}"
    );

    let message = errors("RunSql(forward = \"x\")\n", &before);
    assert!(message.contains("did you mean `RunSQL`?"), "{message}");

    let message = errors("\nRemoveField(modle = Post, name = \"legacy\")\n", &before);
    assert!(
        message.contains("unknown argument `modle` for `RemoveField`"),
        "{message}"
    );
    assert!(message.contains(":2:13"), "{message}");
    assert!(message.contains("did you mean `model`?"), "{message}");
    assert!(!message.contains("missing required argument"), "{message}");

    let message = errors("RemoveField(model = Post)\n", &before);
    assert!(
        message.contains("missing required argument `name` for `RemoveField`"),
        "{message}"
    );

    let message = errors("RemoveField(model = Pots, name = \"legacy\")\n", &before);
    assert!(message.contains("unknown model `Pots`"), "{message}");
    assert!(message.contains("did you mean `Post`?"), "{message}");

    let message = errors("RemoveField(model = Post, name = \"legasy\")\n", &before);
    assert!(
        message.contains("model `Post` has no field `legasy`"),
        "{message}"
    );
    assert!(message.contains("did you mean `legacy`?"), "{message}");

    let message = errors(
        "RunSQL(forward = \"x\", backend = \"postgress\")\n",
        &before,
    );
    assert!(message.contains("unknown backend `postgress`"), "{message}");
    assert!(message.contains("did you mean `postgres`?"), "{message}");
}

#[test]
fn fields_are_checked_like_schema_fields() {
    let before = state_of(BEFORE);
    let message = errors(
        "AddField(model = Post, name = \"x\", field = CharFeild(max_length = 10))\n",
        &before,
    );
    assert!(
        message.contains("unknown field type `CharFeild`"),
        "{message}"
    );
    assert!(message.contains("did you mean `CharField`?"), "{message}");
    assert!(message.contains(":1:44"), "{message}");

    let message = errors(
        "AddField(model = Post, name = \"x\", field = CharField(max_lenght = 10))\n",
        &before,
    );
    assert!(
        message.contains("unknown argument `max_lenght` for `CharField`"),
        "{message}"
    );

    let message = errors(
        "AddField(model = Post, name = \"x\", field = ForeignKey(Autor, on_delete = CASCADE))\n",
        &before,
    );
    assert!(message.contains("unknown model `Autor`"), "{message}");
    assert!(message.contains("did you mean `Author`?"), "{message}");

    let message = errors(
        "AddField(model = Post, name = \"x\", field = CharField(max_length = 5, choices = Colour))\n",
        &before,
    );
    assert!(message.contains("unknown enum `Colour`"), "{message}");
    assert!(message.contains("did you mean `Color`?"), "{message}");

    let message = errors(
        "AddField(model = Post, name = \"x\", field = IntegerField(), once_default = \"zero\")\n",
        &before,
    );
    assert!(
        message.contains("`once_default` of `IntegerField` expects an integer"),
        "{message}"
    );

    let message = errors(
        "AddField(model = Post, name = \"title\", field = IntegerField())\n",
        &before,
    );
    assert!(
        message.contains("model `Post` already has a field `title`"),
        "{message}"
    );
}

#[test]
fn model_bodies_are_complete_and_well_formed() {
    let before = state_of(BEFORE);
    let message = errors(
        "CreateModel(name = Tag) {\n    name = CharField(max_length = 5)\n}\n",
        &before,
    );
    assert!(
        message.contains("model `Tag` has no primary key"),
        "{message}"
    );
    assert!(
        message.contains("add `id = AutoField(primary_key = true)`"),
        "{message}"
    );

    let message = errors(
        "CreateModel(name = Post) {\n    id = AutoField(primary_key = true)\n}\n",
        &before,
    );
    assert!(
        message.contains("a model named `Post` already exists"),
        "{message}"
    );

    let message = errors("CreateModel(name = Tag)\n", &before);
    assert!(message.contains("`CreateModel` needs a body"), "{message}");

    let message = errors("DeleteModel(name = Post) {}\n", &before);
    assert!(
        message.contains("`DeleteModel` takes no `{ … }` body"),
        "{message}"
    );

    let message = errors(
        "CreateEnum(name = Status) {\n    id = AutoField()\n}\n",
        &before,
    );
    assert!(
        message.contains("`CreateEnum` holds enum variants only"),
        "{message}"
    );

    let message = errors("CreateModel(name = Tag) {\n    id = AutoField(primary_key = true)\n    Draft = \"draft\"\n}\n", &before);
    assert!(
        message.contains("`CreateModel` holds fields and `meta`, not enum variants"),
        "{message}"
    );

    let message = errors("CreateModel(name = Tag) {\n    id = AutoField(primary_key = true)\n    meta { ordering = [\"nmae\"] }\n}\n", &before);
    assert!(
        message.contains("unknown field `nmae` in `meta` of model `Tag`"),
        "{message}"
    );

    let message = errors(
        "AlterModelOptions(model = Post) {\n    meta { ordering = [\"titel\"] }\n}\n",
        &before,
    );
    assert!(message.contains("did you mean `title`?"), "{message}");

    let message = errors("/// Doc.\nDeleteModel(name = Post)\n", &before);
    assert!(
        message.contains("a doc comment on `DeleteModel` documents nothing"),
        "{message}"
    );
}

#[test]
fn syntax_errors_point_at_the_place() {
    let before = state_of(BEFORE);
    let message = errors("RunSQL(forward = r#\"never closed)\n", &before);
    assert!(message.contains("unterminated raw string"), "{message}");
    assert!(message.contains(":1:18"), "{message}");
    assert!(message.contains("end it with `\"#`"), "{message}");
    let message = errors(
        "AddIndex(model = Post, index = Index(fields = [\"title\"])\n",
        &before,
    );
    assert!(message.contains("expected"), "{message}");
}

#[test]
fn renamed_from_is_kept_and_printed_in_schemas() {
    let text = "model Writer {\n    full_name = CharField(max_length = 100, renamed_from = \"name\")\n\n    meta {\n        renamed_from = \"Author\"\n    }\n}\n";
    let schema = load(&[Source {
        path: "blog.pookie".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let model = &schema.modules[0].models[0];
    assert_eq!(model.meta.renamed_from.as_deref(), Some("Author"));
    assert_eq!(
        model
            .field("full_name")
            .unwrap()
            .options
            .renamed_from
            .as_deref(),
        Some("name")
    );
    assert_eq!(pookie_grammar::print_module(&schema.modules[0]), text);
}

#[test]
fn renamed_from_is_checked_and_not_inherited() {
    let bad = "model Writer {\n    name = CharField(max_length = 100, renamed_from = 3)\n    meta { renamed_from = Author }\n}\n";
    let message = load(&[Source {
        path: "blog.pookie".into(),
        text: bad.into(),
    }])
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("`renamed_from` expects a string, found an integer"),
        "{message}"
    );
    assert!(
        message.contains("`renamed_from` expects a string, found a name"),
        "{message}"
    );

    let abstract_parent = "abstract model Base {\n    meta { renamed_from = \"Old\" }\n}\n";
    let message = load(&[Source {
        path: "blog.pookie".into(),
        text: abstract_parent.into(),
    }])
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("abstract model `Base` has no table"),
        "{message}"
    );

    let child = "abstract model Base {\n    meta { verbose_name = \"base\" }\n}\nmodel Child : Base {\n    meta { renamed_from = \"Kid\" }\n}\nmodel Other : Base {}\n";
    let schema = load(&[Source {
        path: "blog.pookie".into(),
        text: child.into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let models = &schema.modules[0].models;
    assert_eq!(models[1].meta.renamed_from.as_deref(), Some("Kid"));
    assert_eq!(models[2].meta.renamed_from, None);
}

#[test]
fn raw_strings_work_in_schema_files_too() {
    let text =
        "model Code {\n    pattern = CharField(max_length = 50, regex = r\"^\\d+\\.\\d+$\")\n}\n";
    let schema = load(&[Source {
        path: "codes.pookie".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let field = schema.modules[0].models[0].field("pattern").unwrap();
    assert_eq!(
        field.options.validators.regex.as_deref(),
        Some("^\\d+\\.\\d+$")
    );
}

#[test]
fn a_squashed_migration_names_what_it_replaces() {
    let before = State::default();
    let text = "//! Squashed 0001_initial to 0002_add_x\n\nReplaces(migrations = [\"0001_initial\", \"0002_add_x\"])\n\nCreateEnum(name = Color) {\n    Red = \"red\"\n}\n";
    let migration = parse(text, &before);
    assert_eq!(migration.replaces, ["0001_initial", "0002_add_x"]);
    assert_eq!(migration.operations.len(), 1);
    assert_eq!(print_migration(&migration), text);
    assert_eq!(
        pookie_grammar::migration::parse_replaces(&source(text)).unwrap(),
        ["0001_initial", "0002_add_x"]
    );
    // Without a doc, and with more names than fit on a line.
    let names: Vec<String> = (1..=8).map(|n| format!("{n:04}_change_{n}")).collect();
    let long = MigrationText {
        doc: None,
        replaces: names.clone(),
        operations: vec![Operation::DeleteEnum {
            name: "Color".into(),
        }],
        notes: Vec::new(),
    };
    let printed = print_migration(&long);
    assert!(printed.starts_with("Replaces(migrations = [\n    \"0001_change_1\",\n"));
    assert_eq!(parse(&printed, &state_of(BEFORE)), long, "{printed}");
    assert_eq!(
        pookie_grammar::migration::parse_replaces(&source(&printed)).unwrap(),
        names
    );
    // Other migrations replace nothing.
    assert!(parse("DeleteEnum(name = Color)\n", &state_of(BEFORE))
        .replaces
        .is_empty());
}

#[test]
fn a_misplaced_or_malformed_replaces_is_an_error() {
    let before = state_of(BEFORE);
    let after = errors(
        "DeleteEnum(name = Color)\nReplaces(migrations = [\"0001_initial\"])\n",
        &before,
    );
    assert!(
        after.contains("`Replaces` comes after operations"),
        "{after}"
    );
    let empty = errors("Replaces(migrations = [])\n", &before);
    assert!(empty.contains("`Replaces` names no migration"), "{empty}");
    let twice = errors("Replaces(migrations = [\"0001_a\", \"0001_a\"])\n", &before);
    assert!(twice.contains("`0001_a` is replaced twice"), "{twice}");
    let missing = errors("Replaces()\n", &before);
    assert!(
        missing.contains("missing required argument `migrations` for `Replaces`"),
        "{missing}"
    );
    let wrong = errors("Replaces(migrations = [1])\n", &before);
    assert!(wrong.contains("list of strings"), "{wrong}");
    assert!(pookie_grammar::migration::parse_replaces(&source("Replaces(names = [])\n")).is_err());
}
