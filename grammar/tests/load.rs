//! Loading: the blog schema's IR, inheritance, keywords as names, several files
//! and several errors, and inputs that must not panic.

use std::path::Path;

use pookie_grammar::ir::{DefaultValue, FieldKind, FieldOrigin, OnDelete, OrderItem};
use pookie_grammar::{load, load_files, Source};

fn source(path: &str, text: &str) -> Source {
    Source {
        path: path.into(),
        text: text.into(),
    }
}

#[test]
fn blog_schema_loads_into_the_expected_ir() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.pookie");
    let schema = load_files(&[&path]).unwrap_or_else(|errors| panic!("{errors}"));
    let module = &schema.modules[0];
    assert_eq!(module.name, "blog");
    assert_eq!(module.path, path);
    assert_eq!(
        module.doc.as_deref(),
        Some("The PookieDB blog: authors write posts, posts carry tags.")
    );
    let names: Vec<&str> = module.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Tag", "Author", "Post", "UserProfile"]);
    let tables: Vec<String> = module.models.iter().map(|m| m.table_name()).collect();
    assert_eq!(tables, ["tags", "authors", "posts", "user_profiles"]);

    let author = &module.models[1];
    assert_eq!(author.doc.as_deref(), Some("Someone who writes posts."));
    let id = &author.fields[0];
    assert_eq!(
        (id.name.as_str(), &id.origin),
        ("id", &FieldOrigin::Implicit)
    );
    assert_eq!(id.kind, FieldKind::AutoField);
    assert!(id.options.primary_key);
    assert_eq!(author.primary_key().map(|f| f.name.as_str()), Some("id"));
    let email = author.field("email").expect("email");
    assert_eq!(email.kind, FieldKind::EmailField { max_length: 254 });
    assert!(email.options.unique);
    let bio = author.field("bio").expect("bio");
    assert_eq!(
        bio.doc.as_deref(),
        Some("A few words about the author, shown on their page.")
    );
    assert!(bio.options.null && bio.options.blank);
    assert_eq!(
        author.field("is_active").unwrap().options.default,
        Some(DefaultValue::Bool(true))
    );
    assert_eq!(
        author.meta.ordering,
        [OrderItem {
            field: "joined".into(),
            descending: true
        }]
    );

    let post = &module.models[2];
    let author_fk = post.field("author").expect("author");
    let FieldKind::ForeignKey(relation) = &author_fk.kind else {
        panic!("author is not a ForeignKey: {:?}", author_fk.kind);
    };
    assert_eq!(relation.to, "Author");
    assert_eq!(relation.on_delete, OnDelete::Cascade);
    assert_eq!(relation.related_name.as_deref(), Some("posts"));
    assert_eq!(author_fk.column_name().as_deref(), Some("author_id"));
    assert_eq!(post.meta.unique_together, [vec!["author", "slug"]]);
    assert_eq!(
        post.field("view_count")
            .unwrap()
            .options
            .help_text
            .as_deref(),
        Some("How many times the post was read.")
    );
    assert_eq!(post.fields.len(), 10);
}

#[test]
fn inheritance_copies_fields_and_merges_meta() {
    let text = r#"
abstract model Base {
    created = DateTimeField(auto_now_add = true)
    meta { ordering = ["-created"]  db_table = "never_inherited"  db_alias = "logs" }
}
abstract model Middle : Base {
    owner = CharField(max_length = 10)
}
model Leaf : Middle {
    name = CharField(max_length = 10)
    meta { db_alias = "main" }
}
"#;
    let schema = load(&[source("inherit.pookie", text)]).unwrap_or_else(|e| panic!("{e}"));
    let models = &schema.modules[0].models;
    assert!(models[0].is_abstract && models[0].primary_key().is_none());
    let leaf = &models[2];
    let fields: Vec<(&str, &FieldOrigin)> = leaf
        .fields
        .iter()
        .map(|f| (f.name.as_str(), &f.origin))
        .collect();
    assert_eq!(
        fields,
        [
            ("id", &FieldOrigin::Implicit),
            ("created", &FieldOrigin::Inherited("Base".into())),
            ("owner", &FieldOrigin::Inherited("Middle".into())),
            ("name", &FieldOrigin::Declared),
        ]
    );
    assert_eq!(leaf.extends.as_deref(), Some("Middle"));
    assert_eq!(leaf.meta.db_table, None);
    assert_eq!(leaf.meta.db_alias.as_deref(), Some("main"));
    assert_eq!(leaf.meta.ordering[0].field, "created");
    assert_eq!(leaf.meta.inherited, ["ordering"]);
    assert_eq!(leaf.table_name(), "leafs");
}

#[test]
fn declared_primary_key_replaces_the_implicit_id() {
    let text = "model Code {\n    code = CharField(max_length = 5, primary_key = true)\n}\n";
    let schema = load(&[source("codes.pookie", text)]).unwrap();
    let model = &schema.modules[0].models[0];
    assert_eq!(model.fields.len(), 1);
    assert_eq!(model.primary_key().unwrap().name, "code");
}

#[test]
fn rust_keywords_are_fine_as_names() {
    let text = r#"
enum type { match = "m"  Self = "s" }
model match {
    type   = CharField(max_length = 5, choices = type, default = type.match)
    self   = ForeignKey(self, on_delete = CASCADE, null = true)
    async  = BooleanField()
    meta   = JSONField(default = {})
    fn     = IntegerField()
    meta { ordering = ["type", "fn"] }
}
model struct {
    impl = ForeignKey(match, on_delete = CASCADE)
}
"#;
    let schema = load(&[source("keywords.pookie", text)]).unwrap_or_else(|e| panic!("{e}"));
    let model = &schema.modules[0].models[0];
    assert_eq!(model.name, "match");
    let FieldKind::ForeignKey(relation) = &model.field("self").unwrap().kind else {
        panic!("self is not a ForeignKey");
    };
    assert_eq!(relation.to, "match");
    assert!(model.field("meta").is_some());
    assert_eq!(schema.modules[0].enums[0].name, "type");
}

#[test]
fn models_refer_across_files() {
    let authors = source("a/authors.pookie", "model Author {}\n");
    let posts = source(
        "b/posts.pookie",
        "model Post {\n    author = ForeignKey(Author, on_delete = CASCADE)\n}\n",
    );
    let schema = load(&[authors, posts]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = schema.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["authors", "posts"]);
}

#[test]
fn reverse_accessors_clash_across_files() {
    let authors = source(
        "a/authors.pookie",
        "model Author {\n    reviews = IntegerField(default = 0)\n}\n",
    );
    let posts = source(
        "b/posts.pookie",
        "model Post {\n    author = ForeignKey(Author, on_delete = CASCADE, related_name = \"posts\")\n}\n",
    );
    let drafts = source(
        "c/drafts.pookie",
        "model Draft {\n    author = ForeignKey(Author, on_delete = CASCADE, related_name = \"posts\")\n    critic = ForeignKey(Author, on_delete = CASCADE, related_name = \"reviews\")\n}\n",
    );
    let errors = load(&[authors, posts, drafts]).unwrap_err();
    let found: Vec<(String, usize, Vec<String>)> = errors
        .iter()
        .map(|d| {
            let labels = d
                .labels
                .iter()
                .map(|l| format!("{}:{}", l.path.display(), l.line))
                .collect();
            (d.path.display().to_string(), d.line, labels)
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "c/drafts.pookie".to_string(),
                2,
                vec!["b/posts.pookie:2".to_string()]
            ),
            (
                "c/drafts.pookie".to_string(),
                3,
                vec!["a/authors.pookie:2".to_string()]
            ),
        ],
        "{errors}"
    );
    let rendered = errors.to_string();
    assert!(rendered.contains(
        "reverse accessor `Author.posts` of `Draft.author` clashes with the reverse accessor of `Post.author`"
    ));
    assert!(rendered
        .contains("reverse accessor `Author.reviews` of `Draft.critic` clashes with the field `Author.reviews`"));
}

#[test]
fn through_model_may_live_in_another_file() {
    let people = source(
        "people.pookie",
        "model Person {}\nmodel Membership {\n    person = ForeignKey(Person, on_delete = CASCADE)\n    club = ForeignKey(Club, on_delete = CASCADE)\n}\n",
    );
    let clubs = source(
        "clubs.pookie",
        "model Club {\n    members = ManyToManyField(Person, through = Membership, related_name = \"clubs\")\n}\n",
    );
    load(&[people.clone(), clubs]).unwrap_or_else(|e| panic!("{e}"));
    let lonely = source(
        "clubs.pookie",
        "model Club {\n    members = ManyToManyField(Person, through = Person)\n}\n",
    );
    let errors = load(&[people, lonely]).unwrap_err();
    let rendered = errors.to_string();
    assert!(
        rendered.contains("through model `Person` of `Club.members` has no ForeignKey to `Club`"),
        "{rendered}"
    );
    assert!(
        rendered.contains("through model `Person` of `Club.members` has no ForeignKey to `Person`"),
        "{rendered}"
    );
}

#[test]
fn every_error_of_every_file_is_reported_in_order() {
    let first = source(
        "first.pookie",
        "model Post {\n    b = IntegerField(defualt = 1)\n    a = CharFeild()\n}\nmodel Tag {\n    post = ForeignKey(Pots, on_delete = CASCADE)\n}\n",
    );
    let second = source("second.pookie", "model Broken {\n    x = \n}\n");
    let third = source("third.pookie", "model Post {}\n");
    let errors = load(&[first, second, third]).unwrap_err();
    let found: Vec<(String, usize, usize)> = errors
        .iter()
        .map(|d| (d.path.display().to_string(), d.line, d.column))
        .collect();
    assert_eq!(
        found,
        [
            ("first.pookie".to_string(), 2, 22),
            ("first.pookie".to_string(), 3, 9),
            ("second.pookie".to_string(), 3, 1),
            ("third.pookie".to_string(), 1, 7),
        ],
        "{errors}"
    );
    // A file failed to parse, so `Pots` may live there: no "unknown model" noise.
    let rendered = errors.to_string();
    assert!(rendered.ends_with("error: could not load the schema: 4 errors"));
    assert_eq!(format!("{errors:?}"), rendered);
    assert!(rendered.contains("duplicate model `Post`"));
}

#[test]
fn unreadable_file_names_the_path() {
    let errors = load_files(&["no/such/file.pookie"]).unwrap_err();
    let diagnostic = errors.iter().next().unwrap();
    assert_eq!(diagnostic.path, Path::new("no/such/file.pookie"));
    assert!(diagnostic
        .message
        .starts_with("cannot read `no/such/file.pookie`: "));
}

#[test]
fn non_utf8_file_points_at_the_first_bad_byte() {
    let dir = std::env::temp_dir().join(format!("pookie-non-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.pookie");
    // Line 2, after four spaces and `name = "é`: the Latin-1 byte 0xe9 of "café".
    std::fs::write(
        &path,
        b"model Cafe {\n    name = CharField(max_length = 10, default = \"caf\xe9\")\n}\n",
    )
    .unwrap();
    let errors = load_files(&[&path]).unwrap_err();
    let diagnostic = errors.iter().next().unwrap();
    assert_eq!((diagnostic.line, diagnostic.column), (2, 53));
    assert!(diagnostic.message.contains("is not UTF-8"), "{diagnostic}");
    assert!(diagnostic.message.contains("0xe9"), "{diagnostic}");
    let rendered = errors.to_string();
    assert!(rendered.contains("latin1.pookie:2:53"), "{rendered}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn odd_inputs_never_panic() {
    let deep_list = format!(
        "model A {{\n    x = JSONField(default = {}{})\n}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let deep_calls = format!(
        "model A {{\n    x = {}IntegerField(){}\n}}\n",
        "ArrayField(".repeat(2000),
        ")".repeat(2000)
    );
    let blog = include_str!("../../schemas/blog.pookie");
    let mut inputs: Vec<String> = vec![
        String::new(),
        "\u{feff}".into(),
        "model".into(),
        "model A {".into(),
        "model A { x = CharField(max_length = ".into(),
        "\0\u{1}\u{7f}\u{fffd}".into(),
        "model A { x = CharField(help_text = \"\\u{110000}\\u{}\\u{zz\") }".into(),
        "model A { x = IntegerField(default = 99999999999999999999999) }".into(),
        "model A { x = FloatField(default = 1e999) }".into(),
        "model é {}".into(),
        "model A { x = ArrayField(ArrayField(ForeignKey(A, on_delete = CASCADE))) }".into(),
        "model A : A {}".into(),
        "abstract model A : A {}".into(),
        "model A { meta { indexes = [Index()] constraints = [Check()] unique_together = [[1]] } }"
            .into(),
        deep_list,
        deep_calls,
    ];
    for cut in (0..blog.len())
        .step_by(7)
        .filter(|i| blog.is_char_boundary(*i))
    {
        inputs.push(blog[..cut].to_string());
    }
    for input in &inputs {
        // Loading may fail; it must not panic, and failures must render.
        if let Err(errors) = load(&[source("fuzz.pookie", input)]) {
            assert!(!errors.is_empty());
            let _ = errors.to_string();
        }
    }
}

/// Checking grows about linearly with the schema: a chain of 3,000 abstract
/// models each inheriting the previous, and a model of 80,000 fields, were
/// quadratic (15 s and 2.4 GB; 34 s). The IR of the chain lists each field
/// once per concrete model, not once per abstract descendant.
#[test]
fn long_inheritance_chains_and_wide_models_check_in_about_linear_time() {
    let mut chain = String::from("abstract model M0 {\n    f0 = IntegerField()\n}\n");
    // Smaller than the reported cases, to keep the unoptimized test cheap; the
    // IR size below is what was quadratic.
    for i in 1..1000 {
        chain.push_str(&format!(
            "abstract model M{i} : M{} {{\n    f{i} = IntegerField()\n}}\n",
            i - 1
        ));
    }
    chain.push_str(
        "model Leaf : M999 {\n    leaf = IntegerField()\n    meta { ordering = [\"f0\"] }\n}\n",
    );
    let started = std::time::Instant::now();
    let schema = load(&[source("chain.pookie", &chain)]).unwrap_or_else(|e| panic!("{e}"));
    let chain_time = started.elapsed();
    let models = &schema.modules[0].models;
    let fields: usize = models.iter().map(|m| m.fields.len()).sum();
    // 1,000 abstract models with one field each, and the leaf's id, 1,000
    // inherited fields and its own.
    assert_eq!(fields, 1000 + 1002);
    assert_eq!(models[1000].fields.len(), 1002);

    let mut wide = String::from("model Wide {\n");
    for i in 0..20_000 {
        wide.push_str(&format!("    f{i} = IntegerField()\n"));
    }
    wide.push_str("}\n");
    let started = std::time::Instant::now();
    let schema = load(&[source("wide.pookie", &wide)]).unwrap_or_else(|e| panic!("{e}"));
    let wide_time = started.elapsed();
    assert_eq!(schema.modules[0].models[0].fields.len(), 20_001);
    // Generous bounds for an unoptimized build on a busy machine; the
    // quadratic versions took minutes here.
    assert!(chain_time.as_secs() < 20, "chain: {chain_time:?}");
    assert!(wide_time.as_secs() < 20, "wide: {wide_time:?}");
}
