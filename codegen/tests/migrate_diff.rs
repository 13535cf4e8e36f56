//! The autodetector: one before/after schema pair per kind of operation, the
//! questions it asks, the failures under `--no-input`, and two properties over
//! every schema of the workspace (a schema against itself is no change; the
//! operations that build a schema from nothing replay into its state).

use std::fs;
use std::path::Path;

use pookie_codegen::migrate::diff::{diff, Changes, DiffError, NoInput, Problem, Questioner};
use pookie_grammar::ir::{DefaultValue, Field, FieldKind, IndexMethod, OnUpdate, Schema};
use pookie_grammar::migration::{Operation, State};
use pookie_grammar::Source;

fn schema(text: &str) -> Schema {
    pookie_grammar::load(&[Source {
        path: "test.pookie".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn state(text: &str) -> State {
    State::from_schema(&schema(text), "default")
}

/// Canned answers, and the questions asked.
#[derive(Default)]
struct Canned {
    rename: bool,
    default: Option<DefaultValue>,
    asked: Vec<String>,
}

impl Questioner for Canned {
    fn rename_model(&mut self, old: &str, new: &str) -> bool {
        self.asked.push(format!("rename model {old} {new}"));
        self.rename
    }

    fn rename_field(&mut self, model: &str, old: &str, new: &str) -> bool {
        self.asked.push(format!("rename field {model}.{old} {new}"));
        self.rename
    }

    fn once_default(&mut self, model: &str, field: &Field) -> Option<DefaultValue> {
        self.asked.push(format!("default {model}.{}", field.name));
        self.default.clone()
    }
}

/// The state the migrations of a schema leave: what the diff meets in
/// practice (the indexes and checks it added are named).
fn migrated(text: &str) -> State {
    let target = state(text);
    let mut replayed = State::default();
    for op in diff(&State::default(), &target, &mut NoInput)
        .unwrap_or_else(|e| panic!("{e}"))
        .operations
    {
        replayed.apply(&op).unwrap_or_else(|e| panic!("{e}"));
    }
    replayed
}

fn changes(before: &str, after: &str, questioner: &mut dyn Questioner) -> Changes {
    diff(&migrated(before), &state(after), questioner).unwrap_or_else(|e| panic!("{e}"))
}

fn described(changes: &Changes) -> Vec<String> {
    changes.operations.iter().map(Operation::describe).collect()
}

/// The diff, checked to replay into the target state (index and check
/// names aside, which the diff fills in).
fn checked(before: &str, after: &str, questioner: &mut dyn Questioner) -> Changes {
    let changes = changes(before, after, questioner);
    let mut replayed = migrated(before);
    for op in &changes.operations {
        replayed.apply(op).unwrap_or_else(|e| panic!("{e}: {op:?}"));
    }
    let target = state(after);
    let again = diff(&replayed, &target, &mut NoInput).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        again.is_empty(),
        "the replayed state still differs: {}",
        again.summary()
    );
    changes
}

const AUTHOR: &str = "model Author {\n    name = CharField(max_length = 100)\n    meta { db_table = \"authors\" }\n}\n";

#[test]
fn no_changes_no_operations() {
    let changes = checked(AUTHOR, AUTHOR, &mut NoInput);
    assert!(changes.is_empty());
    assert!(changes.warnings.is_empty());
}

#[test]
fn enums_are_created_altered_and_deleted() {
    let a = "enum Status { Draft = \"draft\" }\nenum Old { X = \"x\" }\n";
    let b = "enum Status { Draft = \"draft\"  Live = \"live\" }\nenum New { Y = \"y\" }\n";
    let changes = checked(a, b, &mut NoInput);
    assert_eq!(
        described(&changes),
        ["Alter enum Status", "Create enum New", "Delete enum Old"]
    );
}

#[test]
fn models_are_created_targets_first() {
    let after = format!(
        "model Post {{\n    author = ForeignKey(Author, on_delete = CASCADE)\n    tags = ManyToManyField(Tag)\n}}\nmodel Tag {{\n    name = CharField(max_length = 10)\n}}\n{AUTHOR}"
    );
    let changes = checked("", &after, &mut NoInput);
    assert_eq!(
        described(&changes),
        [
            "Create model Tag",
            "Create model Author",
            "Create model Post"
        ]
    );
}

#[test]
fn models_pointing_at_each_other_are_created_then_linked() {
    let after = "model A {\n    b = ForeignKey(B, on_delete = CASCADE, null = true)\n}\nmodel B {\n    a = ForeignKey(A, on_delete = CASCADE)\n}\n";
    let mut questioner = Canned::default();
    let changes = checked("", after, &mut questioner);
    assert_eq!(
        described(&changes),
        ["Create model A", "Create model B", "Add field b to A"]
    );
    assert!(questioner.asked.is_empty(), "{:?}", questioner.asked);
}

#[test]
fn models_are_deleted_children_first_with_warnings() {
    let before = format!(
        "model Post {{\n    author = ForeignKey(Author, on_delete = CASCADE)\n}}\n{AUTHOR}"
    );
    let changes = checked(&before, "", &mut NoInput);
    assert_eq!(
        described(&changes),
        ["Delete model Post", "Delete model Author"]
    );
    assert_eq!(changes.warnings.len(), 2);
    assert_eq!(changes.warnings[1].0, 1);
    assert!(changes.warnings[1].1.contains("drops table `authors`"));
}

#[test]
fn a_cycle_of_deleted_models_is_cut_first() {
    let before = "model A {\n    b = ForeignKey(B, on_delete = CASCADE, null = true)\n}\nmodel B {\n    a = ForeignKey(A, on_delete = CASCADE)\n}\n";
    let changes = checked(before, "", &mut NoInput);
    assert_eq!(
        described(&changes),
        ["Remove field b from A", "Delete model B", "Delete model A"]
    );
}

#[test]
fn renamed_from_renames_a_model_and_is_stripped() {
    let after = "model Writer {\n    name = CharField(max_length = 100)\n    meta { db_table = \"authors\"  renamed_from = \"Author\" }\n}\n";
    let changes = checked(AUTHOR, after, &mut NoInput);
    assert_eq!(
        changes.operations,
        [Operation::RenameModel {
            old: "Author".into(),
            new: "Writer".into()
        }]
    );
    // Once migrated, the hint is ignored.
    let migrated = {
        let mut s = state(AUTHOR);
        s.apply(&changes.operations[0]).unwrap();
        s
    };
    assert!(diff(&migrated, &state(after), &mut NoInput)
        .unwrap()
        .is_empty());
}

#[test]
fn a_model_of_the_same_shape_is_a_rename_only_when_answered_yes() {
    let after = "model Writer {\n    name = CharField(max_length = 100)\n    meta { db_table = \"writers\" }\n}\n";
    let mut yes = Canned {
        rename: true,
        ..Canned::default()
    };
    let changes = checked(AUTHOR, after, &mut yes);
    assert_eq!(yes.asked, ["rename model Author Writer"]);
    assert_eq!(
        described(&changes),
        [
            "Rename model Author to Writer",
            "Rename table of Writer to writers"
        ]
    );
    let mut no = Canned::default();
    let changes = checked(AUTHOR, after, &mut no);
    assert_eq!(
        described(&changes),
        ["Create model Writer", "Delete model Author"]
    );
    let error = diff(&state(AUTHOR), &state(after), &mut NoInput).unwrap_err();
    assert_eq!(
        error.problems,
        [Problem::ModelRename {
            old: "Author".into(),
            new: "Writer".into()
        }]
    );
    let message = error.to_string();
    assert!(
        message.contains("meta { renamed_from = \"Author\" }"),
        "{message}"
    );
}

#[test]
fn a_model_pointing_at_itself_is_a_rename_candidate() {
    let model = |name: &str| {
        format!("model {name} {{\n    boss = ForeignKey(self, on_delete = SET_NULL, null = true)\n    meta {{ db_table = \"staff\" }}\n}}\n")
    };
    let mut yes = Canned {
        rename: true,
        ..Canned::default()
    };
    let changes = checked(&model("Employee"), &model("Staff"), &mut yes);
    assert_eq!(yes.asked, ["rename model Employee Staff"]);
    assert_eq!(described(&changes), ["Rename model Employee to Staff"]);
}

#[test]
fn renamed_from_a_name_the_migrations_lack_is_an_error() {
    let after = "model Writer {\n    name = CharField(max_length = 100)\n    meta { renamed_from = \"Autor\" }\n}\n";
    let error = diff(&state(AUTHOR), &state(after), &mut NoInput).unwrap_err();
    assert!(error.problems.contains(&Problem::RenamedFromMissing {
        model: "Writer".into(),
        field: None,
        old: "Autor".into()
    }));
    assert!(error.to_string().contains("no model `Autor`"));
    let field = "model Author {\n    title = CharField(max_length = 100, renamed_from = \"nme\")\n    meta { db_table = \"authors\" }\n}\n";
    let error = diff(&state(AUTHOR), &state(field), &mut NoInput).unwrap_err();
    assert!(error.to_string().contains("no field `nme`"), "{error}");
}

#[test]
fn table_and_options_changes() {
    let after = "model Author {\n    name = CharField(max_length = 100)\n    meta { db_table = \"writers\"  ordering = [\"-name\"]  verbose_name = \"writer\" }\n}\n";
    let changes = checked(AUTHOR, after, &mut NoInput);
    assert_eq!(
        described(&changes),
        [
            "Rename table of Author to writers",
            "Change meta options of Author"
        ]
    );
}

#[test]
fn fields_are_added_with_a_default_or_an_answer() {
    let after = "model Author {\n    name = CharField(max_length = 100)\n    age = IntegerField(default = 0)\n    bio = TextField(null = true)\n    slug = SlugField()\n    joined = DateTimeField(auto_now_add = true)\n    meta { db_table = \"authors\" }\n}\n";
    let mut questioner = Canned {
        default: Some(DefaultValue::Str("x".into())),
        ..Canned::default()
    };
    let changes = checked(AUTHOR, after, &mut questioner);
    assert_eq!(questioner.asked, ["default Author.slug"]);
    let defaults: Vec<Option<DefaultValue>> = changes
        .operations
        .iter()
        .map(|op| match op {
            Operation::AddField { once_default, .. } => once_default.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        defaults,
        [
            None,
            None,
            Some(DefaultValue::Str("x".into())),
            Some(DefaultValue::Now)
        ]
    );
    assert!(changes.warnings.is_empty());
    let error: DiffError = diff(&state(AUTHOR), &state(after), &mut NoInput).unwrap_err();
    assert_eq!(
        error.problems,
        [Problem::MissingDefault {
            model: "Author".into(),
            field: "slug".into(),
            altered: false
        }]
    );
    let message = error.to_string();
    assert!(message.contains("`slug`"), "{message}");
    assert!(message.contains("default = …"), "{message}");
    assert!(message.contains("null = true"), "{message}");
}

#[test]
fn fields_are_removed_with_a_warning() {
    let before = "model Author {\n    name = CharField(max_length = 100)\n    legacy = TextField()\n    meta { db_table = \"authors\" }\n}\n";
    let changes = checked(before, AUTHOR, &mut NoInput);
    assert_eq!(described(&changes), ["Remove field legacy from Author"]);
    assert_eq!(changes.warnings.len(), 1);
    assert!(changes.warnings[0]
        .1
        .contains("drops column `legacy` of `authors`"));
}

#[test]
fn fields_are_renamed_by_renamed_from_or_an_answer() {
    let hinted = "model Author {\n    full_name = CharField(max_length = 100, renamed_from = \"name\")\n    meta { db_table = \"authors\" }\n}\n";
    let changes = checked(AUTHOR, hinted, &mut NoInput);
    assert_eq!(
        changes.operations,
        [Operation::RenameField {
            model: "Author".into(),
            old: "name".into(),
            new: "full_name".into()
        }]
    );
    let plain = "model Author {\n    full_name = CharField(max_length = 100)\n    meta { db_table = \"authors\" }\n}\n";
    let mut yes = Canned {
        rename: true,
        ..Canned::default()
    };
    let changes = checked(AUTHOR, plain, &mut yes);
    assert_eq!(yes.asked, ["rename field Author.name full_name"]);
    assert_eq!(
        described(&changes),
        ["Rename field name of Author to full_name"]
    );
    let mut no = Canned {
        default: Some(DefaultValue::Str(String::new())),
        ..Canned::default()
    };
    let changes = checked(AUTHOR, plain, &mut no);
    assert_eq!(
        described(&changes),
        [
            "Remove field name from Author",
            "Add field full_name to Author"
        ]
    );
    let error = diff(&state(AUTHOR), &state(plain), &mut NoInput).unwrap_err();
    assert!(error.problems.contains(&Problem::FieldRename {
        model: "Author".into(),
        old: "name".into(),
        new: "full_name".into()
    }));
    assert!(error.to_string().contains("renamed_from = \"name\""));
}

/// One field of `Item`, before and after.
fn alter(before: &str, after: &str, questioner: &mut dyn Questioner) -> Changes {
    let model = |field: &str| format!("model Item {{\n    f = {field}\n}}\n");
    checked(&model(before), &model(after), questioner)
}

fn warned(changes: &Changes) -> bool {
    assert_eq!(changes.operations.len(), 1, "{:?}", changes.operations);
    assert!(matches!(
        changes.operations[0],
        Operation::AlterField { .. }
    ));
    !changes.warnings.is_empty()
}

#[test]
fn fields_are_altered_and_narrowing_warns() {
    let q = &mut NoInput;
    assert!(warned(&alter(
        "CharField(max_length = 100)",
        "CharField(max_length = 50)",
        q
    )));
    assert!(!warned(&alter(
        "CharField(max_length = 50)",
        "CharField(max_length = 100)",
        q
    )));
    assert!(!warned(&alter(
        "CharField(max_length = 50)",
        "TextField()",
        q
    )));
    assert!(warned(&alter(
        "TextField()",
        "CharField(max_length = 50)",
        q
    )));
    assert!(warned(&alter("BigIntegerField()", "IntegerField()", q)));
    assert!(!warned(&alter(
        "SmallIntegerField()",
        "BigIntegerField()",
        q
    )));
    assert!(warned(&alter(
        "DecimalField(max_digits = 10, decimal_places = 2)",
        "DecimalField(max_digits = 8, decimal_places = 2)",
        q
    )));
    assert!(!warned(&alter(
        "DecimalField(max_digits = 10, decimal_places = 2)",
        "DecimalField(max_digits = 12, decimal_places = 2)",
        q
    )));
    assert!(warned(&alter("TextField()", "IntegerField()", q)));
    assert!(!warned(&alter(
        "IntegerField()",
        "IntegerField(default = 3)",
        q
    )));
    assert!(!warned(&alter(
        "IntegerField()",
        "IntegerField(null = true)",
        q
    )));
    assert!(!warned(&alter(
        "IntegerField()",
        "IntegerField(db_index = true)",
        q
    )));
    assert!(!warned(&alter(
        "IntegerField()",
        "IntegerField(db_column = \"g\")",
        q
    )));
    assert!(warned(&alter(
        "IntegerField()",
        "IntegerField(unique = true)",
        q
    )));
}

#[test]
fn a_field_made_not_null_asks_for_a_value() {
    let mut questioner = Canned {
        default: Some(DefaultValue::Int(0)),
        ..Canned::default()
    };
    let changes = alter(
        "IntegerField(null = true)",
        "IntegerField()",
        &mut questioner,
    );
    assert_eq!(questioner.asked, ["default Item.f"]);
    assert!(matches!(
        &changes.operations[0],
        Operation::AlterField {
            once_default: Some(DefaultValue::Int(0)),
            ..
        }
    ));
    let model = |field: &str| format!("model Item {{\n    f = {field}\n}}\n");
    let error = diff(
        &state(&model("IntegerField(null = true)")),
        &state(&model("IntegerField()")),
        &mut NoInput,
    )
    .unwrap_err();
    assert_eq!(
        error.problems,
        [Problem::MissingDefault {
            model: "Item".into(),
            field: "f".into(),
            altered: true
        }]
    );
    assert!(error.to_string().contains("becomes NOT NULL"));
}

#[test]
fn many_to_many_fields_are_added_and_removed() {
    let before = format!("{AUTHOR}model Tag {{\n    name = CharField(max_length = 10)\n}}\n");
    let after = "model Author {\n    name = CharField(max_length = 100)\n    tags = ManyToManyField(Tag)\n    meta { db_table = \"authors\" }\n}\nmodel Tag {\n    name = CharField(max_length = 10)\n}\n";
    let mut questioner = Canned::default();
    let changes = checked(&before, after, &mut questioner);
    assert_eq!(described(&changes), ["Add field tags to Author"]);
    assert!(questioner.asked.is_empty());
    let changes = checked(after, &before, &mut NoInput);
    assert_eq!(described(&changes), ["Remove field tags from Author"]);
    assert!(changes.warnings[0].1.contains("join table"));
}

#[test]
fn indexes_get_the_generated_code_names() {
    let with = |meta: &str| {
        format!("model Post {{\n    slug = SlugField()\n    author = ForeignKey(Author, on_delete = CASCADE)\n    meta {{ db_table = \"posts\" {meta} }}\n}}\n{AUTHOR}")
    };
    let changes = checked(
        &with(""),
        &with("indexes = [Index(fields = [\"slug\", \"author\"]), Index(fields = [\"slug\"], unique = true, name = \"by_slug\")]"),
        &mut NoInput,
    );
    let names: Vec<String> = changes
        .operations
        .iter()
        .map(|op| match op {
            Operation::AddIndex { index, .. } => index.name.clone().unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["posts_slug_author_id_idx", "by_slug"]);
    let changes = checked(
        &with("indexes = [Index(fields = [\"slug\", \"author\"])]"),
        &with(""),
        &mut NoInput,
    );
    assert_eq!(
        changes.operations,
        [Operation::RemoveIndex {
            model: "Post".into(),
            name: "posts_slug_author_id_idx".into()
        }]
    );
}

#[test]
fn a_changed_index_method_or_on_update_is_a_migration() {
    let with = |on_update: &str, method: &str| {
        format!("model Post {{\n    slug = SlugField()\n    author = ForeignKey(Author, on_delete = CASCADE{on_update})\n    meta {{ db_table = \"posts\" indexes = [Index(fields = [\"slug\"]{method})] }}\n}}\n{AUTHOR}")
    };
    let changes = checked(
        &with("", ""),
        &with(", on_update = CASCADE", ", method = \"hash\""),
        &mut NoInput,
    );
    assert_eq!(
        described(&changes),
        [
            "Remove index posts_slug_idx from Post",
            "Alter field author of Post",
            "Create index posts_slug_idx on Post (slug) using hash"
        ]
    );
    let Operation::AlterField { field, .. } = &changes.operations[1] else {
        panic!("{:?}", changes.operations)
    };
    assert!(matches!(&field.kind, FieldKind::ForeignKey(r) if r.on_update == OnUpdate::Cascade));
    let Operation::AddIndex { index, .. } = &changes.operations[2] else {
        panic!("{:?}", changes.operations)
    };
    assert_eq!(index.method, IndexMethod::Hash);
    // Written again as it was: nothing to do.
    assert!(checked(
        &with("", ""),
        &with(", on_update = DO_NOTHING", ", method = \"btree\""),
        &mut NoInput
    )
    .operations
    .is_empty());
}

#[test]
fn unique_together_and_checks() {
    let with = |meta: &str| {
        format!("model Post {{\n    slug = SlugField()\n    views = IntegerField()\n    meta {{ db_table = \"posts\" {meta} }}\n}}\n")
    };
    let changes = checked(
        &with(""),
        &with("unique_together = [[\"slug\", \"views\"]]  constraints = [Check(\"views >= 0\")]"),
        &mut NoInput,
    );
    assert_eq!(
        described(&changes),
        [
            "Alter unique_together of Post",
            "Add constraint posts_views_check to Post"
        ]
    );
    let changes = checked(
        &with("unique_together = [[\"slug\", \"views\"]]  constraints = [Check(\"views >= 0\")]"),
        &with("constraints = [Check(\"views > 0\", name = \"positive\")]"),
        &mut NoInput,
    );
    assert_eq!(
        described(&changes),
        [
            "Remove constraint posts_views_check from Post",
            "Alter unique_together of Post",
            "Add constraint positive to Post"
        ]
    );
}

#[test]
fn a_new_model_with_unnamed_indexes_and_checks_names_them() {
    let after = "model Post {\n    views = IntegerField()\n    meta { indexes = [Index(fields = [\"views\"])]  constraints = [Check(\"views >= 0\"), Check(\"views < 10\")] }\n}\n";
    let changes = checked("", after, &mut NoInput);
    let Operation::CreateModel { model } = &changes.operations[0] else {
        panic!("{:?}", changes.operations)
    };
    assert_eq!(
        model.meta.indexes[0].name.as_deref(),
        Some("posts_views_idx")
    );
    let checks: Vec<_> = model
        .meta
        .constraints
        .iter()
        .map(|c| c.name.clone().unwrap())
        .collect();
    assert_eq!(checks, ["posts_views_check", "posts_views_check_2"]);
}

#[test]
fn renamed_from_never_reaches_an_operation() {
    let after = "model Writer {\n    full_name = CharField(max_length = 100, renamed_from = \"name\")\n    meta { db_table = \"authors\"  renamed_from = \"Author\" }\n}\nmodel Post {\n    title = CharField(max_length = 10, renamed_from = \"headline\")\n}\n";
    let changes = changes(AUTHOR, after, &mut NoInput);
    assert_eq!(
        described(&changes),
        [
            "Rename model Author to Writer",
            "Rename field name of Writer to full_name",
            "Create model Post"
        ]
    );
    let Operation::CreateModel { model } = &changes.operations[2] else {
        panic!("{:?}", changes.operations)
    };
    assert!(model.meta.renamed_from.is_none());
    assert!(model
        .fields
        .iter()
        .all(|f| f.options.renamed_from.is_none()));
}

fn workspace_schemas() -> Vec<Source> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pookie"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
        .into_iter()
        .map(|path| Source {
            text: fs::read_to_string(&path).unwrap(),
            path,
        })
        .collect()
}

fn aliases(schema: &Schema) -> Vec<String> {
    let mut out = vec!["default".to_owned()];
    for model in schema.modules.iter().flat_map(|m| &m.models) {
        if let Some(alias) = &model.meta.db_alias {
            if !out.contains(alias) {
                out.push(alias.clone());
            }
        }
    }
    out
}

#[test]
fn every_workspace_schema_against_itself_is_no_change() {
    let schema = pookie_grammar::load(&workspace_schemas()).unwrap_or_else(|e| panic!("{e}"));
    for alias in aliases(&schema) {
        let s = State::from_schema(&schema, &alias);
        let changes = diff(&s, &s, &mut NoInput).unwrap_or_else(|e| panic!("{e}"));
        assert!(changes.is_empty(), "{alias}: {}", changes.summary());
    }
}

#[test]
fn every_workspace_schema_built_from_nothing_replays_into_its_state() {
    let schema = pookie_grammar::load(&workspace_schemas()).unwrap_or_else(|e| panic!("{e}"));
    for alias in aliases(&schema) {
        let target = State::from_schema(&schema, &alias);
        let changes = diff(&State::default(), &target, &mut NoInput)
            .unwrap_or_else(|e| panic!("{alias}: {e}"));
        assert!(changes.warnings.is_empty());
        let mut replayed = State::default();
        for op in &changes.operations {
            replayed.apply(op).unwrap_or_else(|e| panic!("{e}"));
        }
        // The same models and enums; the diff names the indexes and checks the
        // schema leaves unnamed, and models come in creation order.
        let mut expected = target.clone();
        for model in &mut expected.models {
            model.meta.renamed_from = None;
            for field in &mut model.fields {
                field.options.renamed_from = None;
            }
        }
        assert_eq!(replayed.enums, expected.enums);
        assert_eq!(replayed.models.len(), expected.models.len());
        for want in &expected.models {
            let got = replayed
                .model(&want.name)
                .unwrap_or_else(|| panic!("{alias}: no model {}", want.name));
            let mut got = got.clone();
            for (index, wanted) in got.meta.indexes.iter_mut().zip(&want.meta.indexes) {
                if wanted.name.is_none() {
                    index.name = None;
                }
            }
            for (check, wanted) in got.meta.constraints.iter_mut().zip(&want.meta.constraints) {
                if wanted.name.is_none() {
                    check.name = None;
                }
            }
            assert_eq!(&got, want, "{alias}: model {}", want.name);
        }
        let again = diff(&replayed, &target, &mut NoInput).unwrap();
        assert!(again.is_empty(), "{alias}: {}", again.summary());
    }
}
