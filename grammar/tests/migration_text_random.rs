//! A property test without dependencies: random operations (strings full of
//! quotes, `#`, backslashes, line breaks and control characters; fields of every
//! type with defaults that fit them) print to text that parses back to them.

use pookie_grammar::ir::{
    CheckConstraint, DefaultValue, EnumDef, EnumVariant, Field, FieldKind, FieldOptions,
    FieldOrigin, Index, IndexMethod, ManyToMany, Number, OnDelete, OnUpdate, Relation, Validators,
};
use pookie_grammar::migration::{
    parse_migration, print_migration, Backend, MigrationText, Operation, State,
};
use pookie_grammar::{load, Source};

/// xorshift64*: deterministic, so a failure is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Any text: the characters that stress quoting and raw strings.
    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a", "Z", " ", "\"", "#", "\"#", "r", "\\", "\\n", "\n", "\r", "\r\n", "\t", "\0", "é",
            "😀", "\u{7}", "\u{1b}", "'", "{", "}", "(", ")", "SELECT", ";", "//", "///",
        ];
        let len = self.below(max + 1);
        (0..len).map(|_| *self.pick(PIECES)).collect()
    }

    /// SQL: mostly text a raw string can hold (line breaks, quotes, `#`), at
    /// times anything.
    fn sql(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "UPDATE t SET a = 1",
            "\n",
            "\t",
            "\"",
            "\"#",
            "\"##",
            "#",
            "r\"",
            "\\",
            "'x'",
            " ",
            "é",
        ];
        if self.chance(30) {
            return self.text(max);
        }
        let len = self.below(max + 1);
        (0..len).map(|_| *self.pick(PIECES)).collect()
    }

    /// Text for a doc comment: no line breaks other than `\n`, no control
    /// characters (a doc line is the rest of a source line).
    fn doc(&mut self) -> Option<String> {
        const PIECES: &[&str] = &["word", " ", "\n", "\"", "/", "!", "é", "  "];
        self.chance(30).then(|| {
            let len = self.below(8);
            (0..len).map(|_| *self.pick(PIECES)).collect()
        })
    }

    fn ident(&mut self) -> String {
        const NAMES: &[&str] = &["alpha", "beta_2", "_gamma", "r", "self_", "type", "x"];
        format!("{}{}", self.pick(NAMES), self.below(100))
    }
}

fn before() -> State {
    let schema = load(&[Source {
        path: "before.pookie".into(),
        text: "enum Color {\n    Red = \"red\"\n}\nmodel Author {\n    name = CharField(max_length = 10)\n}\n".into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let module = &schema.modules[0];
    let mut models = module.models.clone();
    for field in models.iter_mut().flat_map(|model| model.fields.iter_mut()) {
        field.origin = FieldOrigin::Declared;
    }
    State {
        models,
        enums: module.enums.clone(),
    }
}

/// A field kind and a default that fits it.
fn kind_and_default(rng: &mut Rng) -> (FieldKind, Option<DefaultValue>, bool) {
    let text = rng.text(12);
    let int = (rng.next() as i64) >> rng.below(64);
    let float = [0.5, -1.25e-7, 3.0, 1e300, -0.0][rng.below(5)];
    let (kind, defaults): (FieldKind, Vec<DefaultValue>) = match rng.below(20) {
        0 => (
            FieldKind::SmallIntegerField,
            vec![DefaultValue::Int(int % 100)],
        ),
        1 => (FieldKind::IntegerField, vec![DefaultValue::Int(int)]),
        2 => (FieldKind::BigIntegerField, vec![DefaultValue::Int(int)]),
        3 => (
            FieldKind::FloatField,
            vec![DefaultValue::Float(float), DefaultValue::Int(int)],
        ),
        4 => (
            FieldKind::DecimalField {
                max_digits: 12,
                decimal_places: rng.below(12) as u32,
            },
            vec![DefaultValue::Str("1.50".into()), DefaultValue::Float(float)],
        ),
        5 => (
            FieldKind::BooleanField,
            vec![DefaultValue::Bool(rng.chance(50))],
        ),
        6 => (
            FieldKind::CharField {
                max_length: 1 + rng.below(500) as u32,
            },
            vec![DefaultValue::Str(text)],
        ),
        7 => (
            FieldKind::FixedCharField { max_length: 3 },
            vec![DefaultValue::Str(text)],
        ),
        8 => (
            FieldKind::TextField,
            vec![DefaultValue::Str(text), DefaultValue::Sql(rng.text(10))],
        ),
        9 => (
            FieldKind::EmailField {
                max_length: [254, 100][rng.below(2)],
            },
            vec![DefaultValue::Str(text)],
        ),
        10 => (
            FieldKind::URLField {
                max_length: [2048, 300][rng.below(2)],
            },
            vec![],
        ),
        11 => (
            FieldKind::SlugField {
                max_length: [100, 30][rng.below(2)],
            },
            vec![DefaultValue::Str(text)],
        ),
        12 => (
            FieldKind::UUIDField {
                auto: rng.chance(50),
            },
            vec![DefaultValue::Uuid4],
        ),
        13 => (
            [
                FieldKind::DateField {
                    auto_now: false,
                    auto_now_add: true,
                },
                FieldKind::TimeField {
                    auto_now: true,
                    auto_now_add: false,
                },
                FieldKind::DateTimeField {
                    auto_now: false,
                    auto_now_add: false,
                },
            ][rng.below(3)]
            .clone(),
            vec![DefaultValue::Now, DefaultValue::Str("2020-01-01".into())],
        ),
        14 => (
            FieldKind::JSONField {
                schema: rng.chance(50).then(|| "crate::Data".to_string()),
            },
            vec![
                DefaultValue::EmptyObject,
                DefaultValue::EmptyList,
                DefaultValue::Bool(true),
                DefaultValue::Str(text),
            ],
        ),
        15 => (
            FieldKind::ArrayField {
                base: Box::new(
                    [
                        FieldKind::IntegerField,
                        FieldKind::CharField { max_length: 5 },
                        FieldKind::ArrayField {
                            base: Box::new(FieldKind::DecimalField {
                                max_digits: 5,
                                decimal_places: 1,
                            }),
                        },
                    ][rng.below(3)]
                    .clone(),
                ),
            },
            vec![DefaultValue::EmptyList],
        ),
        16 => (FieldKind::BinaryField, vec![]),
        17 => (
            FieldKind::ForeignKey(Relation {
                to: "Author".into(),
                on_delete: *rng.pick(&[OnDelete::Cascade, OnDelete::Protect, OnDelete::DoNothing]),
                on_update: *rng.pick(&[OnUpdate::Cascade, OnUpdate::Restrict, OnUpdate::DoNothing]),
                related_name: rng.chance(50).then(|| rng.ident()),
                to_field: rng.chance(30).then(|| "id".to_string()),
            }),
            vec![DefaultValue::Int(int)],
        ),
        18 => (
            FieldKind::OneToOneField(Relation {
                to: "Author".into(),
                on_delete: OnDelete::Restrict,
                on_update: OnUpdate::DoNothing,
                related_name: rng.chance(50).then(|| rng.ident()),
                to_field: None,
            }),
            vec![],
        ),
        _ => (
            FieldKind::ManyToManyField(ManyToMany {
                to: "Author".into(),
                related_name: rng.chance(50).then(|| rng.ident()),
                through: None,
                db_table: rng.chance(50).then(|| rng.text(5)),
            }),
            vec![],
        ),
    };
    let many = matches!(kind, FieldKind::ManyToManyField(_));
    let default = if defaults.is_empty() || rng.chance(40) {
        None
    } else {
        Some(rng.pick(&defaults).clone())
    };
    (kind, default, many)
}

fn field(rng: &mut Rng) -> Field {
    let (kind, default, many) = kind_and_default(rng);
    let null = !many && rng.chance(30);
    let default = if null && rng.chance(20) {
        Some(DefaultValue::Null)
    } else {
        default
    };
    let is_text = kind == FieldKind::TextField;
    let is_number = matches!(kind, FieldKind::IntegerField | FieldKind::FloatField);
    let maybe = |rng: &mut Rng| rng.chance(25).then(|| rng.text(8));
    Field {
        name: rng.ident(),
        doc: rng.doc(),
        options: FieldOptions {
            null,
            blank: rng.chance(20),
            default,
            unique: !many && rng.chance(20),
            db_index: !many && rng.chance(20),
            db_column: if many { None } else { maybe(rng) },
            db_type: (is_text && rng.chance(20)).then(|| "tsvector".to_owned()),
            primary_key: false,
            editable: rng.chance(80),
            choices: None,
            verbose_name: maybe(rng),
            help_text: maybe(rng),
            validators: Validators {
                min_value: (is_number && rng.chance(30)).then_some(Number::Int(-5)),
                max_value: (is_number && rng.chance(30)).then_some(Number::Float(2.5)),
                min_length: rng.chance(20).then_some(1),
                max_length: (is_text && rng.chance(50)).then_some(40),
                regex: maybe(rng),
            },
            renamed_from: rng.chance(20).then(|| rng.ident()),
        },
        kind,
        origin: FieldOrigin::Declared,
        comment: None,
    }
}

fn operation(rng: &mut Rng, added: &mut Vec<String>) -> Operation {
    match rng.below(7) {
        0 => Operation::RunSql {
            forward: rng.sql(30),
            backward: rng.chance(50).then(|| rng.sql(30)),
            backend: *rng.pick(&[None, Some(Backend::Sqlite), Some(Backend::Postgres)]),
        },
        1 => Operation::RunRust {
            forward: rng.text(10),
            backward: rng.chance(50).then(|| rng.text(10)),
        },
        2 | 3 => {
            let field = field(rng);
            if added.contains(&field.name) {
                return Operation::RunSql {
                    forward: String::new(),
                    backward: None,
                    backend: None,
                };
            }
            added.push(field.name.clone());
            let once_default = field.options.default.clone().filter(|_| rng.chance(30));
            Operation::AddField {
                model: "Author".into(),
                field,
                once_default,
            }
        }
        4 => {
            let unique = rng.chance(50);
            Operation::AddIndex {
                model: "Author".into(),
                index: Index {
                    fields: vec!["name".into(), "id".into()],
                    unique,
                    name: rng.chance(70).then(|| rng.text(10)),
                    condition: rng.chance(50).then(|| rng.text(10)),
                    // Only a btree index can be unique.
                    method: if unique || rng.chance(50) {
                        IndexMethod::Btree
                    } else {
                        IndexMethod::Brin
                    },
                },
            }
        }
        5 => Operation::AddConstraint {
            model: "Author".into(),
            constraint: CheckConstraint {
                check: rng.text(15),
                name: rng.chance(70).then(|| rng.text(10)),
            },
        },
        _ => Operation::AlterEnum {
            def: EnumDef {
                name: "Color".into(),
                doc: rng.doc(),
                variants: (0..rng.below(4))
                    .map(|i| EnumVariant {
                        name: format!("V{i}"),
                        value: format!("{i}{}", rng.text(6)),
                        doc: rng.doc(),
                    })
                    .collect(),
            },
        },
    }
}

#[test]
fn random_operations_round_trip() {
    let before = before();
    let mut raw_strings = 0;
    for seed in 1..=400u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut added = Vec::new();
        let operations = (0..1 + rng.below(6))
            .map(|_| operation(&mut rng, &mut added))
            .collect();
        let migration = MigrationText {
            doc: rng.doc(),
            replaces: Vec::new(),
            operations,
            notes: Vec::new(),
        };
        let printed = print_migration(&migration);
        raw_strings += printed.matches("= r").count();
        let source = Source {
            path: "migration.pookie".into(),
            text: printed.clone(),
        };
        match parse_migration(&source, &before) {
            Ok(parsed) => assert_eq!(parsed, migration, "seed {seed}:\n{printed}"),
            Err(errors) => panic!("seed {seed}:\n{errors}\n\n{printed}"),
        }
        // The same text with CRLF line endings and a BOM parses the same.
        let crlf = Source {
            path: "migration.pookie".into(),
            text: format!("\u{FEFF}{}", printed.replace('\n', "\r\n")),
        };
        let parsed = parse_migration(&crlf, &before).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed, migration, "seed {seed} (CRLF):\n{printed}");
    }
    assert!(raw_strings > 50, "only {raw_strings} raw strings printed");
}
