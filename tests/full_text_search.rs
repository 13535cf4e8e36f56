//! Full-text search (`meta { search_indexes }`, `schemas/search.pookie`) on
//! SQLite (FTS5 with triggers) and PostgreSQL (GIN over `to_tsvector`): what
//! matches and what does not, ranking order, highlighted text, rows written
//! after the index exists, and a migration adding an index to a table that
//! already has rows.

#[macro_use]
mod support;

use pookie::migrate::Target;
use pookie::migrate::{self as runner, MigrateOptions, Migration, Migrations};
use pookie::{Db, Dialect, SearchHeadline, SearchQuery, SearchRank};
use pookie_codegen::migrate::diff::{diff, NoInput};
use pookie_grammar::migration::{parse_migration, print_migration, Operation, State};
use pookie_grammar::Source;

pub mod search {
    pookie::include_models!("search");
}

use search::story::search::{summary_words, title_body};
use search::{story, NewStory, Story};

/// The stories every test starts from, by id.
const STORIES: [(&str, &str, Option<&str>); 4] = [
    (
        "Rust is fast",
        "Rust programs run quickly and safely.",
        Some("a systems language"),
    ),
    (
        "Python tips",
        "Writing fast Python: profile first, then optimise.",
        None,
    ),
    (
        "Kitchen basics",
        "Boil water, add salt, cook the pasta.",
        Some("dinner recipes"),
    ),
    (
        "Rust and Rust again",
        "Rust, rust, rust: the borrow checker keeps Rust code fast.",
        None,
    ),
];

fn new_story(title: &str, body: &str, summary: Option<&str>) -> NewStory {
    NewStory::new()
        .title(title)
        .body(body)
        .summary(summary.map(str::to_owned))
}

fn stories(db: &Db) -> pookie::Result<()> {
    search::create_tables(db)?;
    for (title, body, summary) in STORIES {
        Story::objects().create(db, new_story(title, body, summary))?;
    }
    Ok(())
}

/// The ids of the stories matching `query` in `title_body`, in id order.
fn found(db: &Db, query: impl Into<SearchQuery>) -> pookie::Result<Vec<i32>> {
    Story::objects()
        .search(title_body, query)
        .order_by([story::id.asc()])
        .values_list(story::id)
        .all(db)
}

on_both_backends! {
    fn plain_words_match_every_word_in_any_column(db) {
        stories(db)?;
        assert_eq!(found(db, "rust")?, [1, 4]);
        assert_eq!(found(db, "RUST fast")?, [1, 4], "every word, any case, any column");
        assert_eq!(found(db, "python fast")?, [2]);
        assert_eq!(found(db, "pasta")?, [3]);
        // Operators and punctuation are text: `-fast` is the word `fast`.
        assert_eq!(found(db, "rust -fast")?, [1, 4]);
        assert_eq!(found(db, "\"rust\" (fast")?, [1, 4]);
    }

    fn words_that_are_not_there_match_nothing(db) {
        stories(db)?;
        assert_eq!(found(db, "javascript")?, Vec::<i32>::new());
        assert_eq!(found(db, "rust pasta")?, Vec::<i32>::new(), "both words are needed");
        assert_eq!(found(db, "   ")?, Vec::<i32>::new(), "no word matches no row");
        assert_eq!(Story::objects().search(title_body, "").count(db)?, 0);
    }

    fn the_english_configuration_stems_words_on_both_backends(db) {
        stories(db)?;
        assert_eq!(found(db, "program")?, [1], "`programs` is found as `program`");
        assert_eq!(found(db, "running")?, [1], "`run` is found as `running`");
        assert_eq!(found(db, "boiling waters")?, [3]);
    }

    fn phrases_and_native_queries(db) {
        stories(db)?;
        assert_eq!(found(db, SearchQuery::phrase("borrow checker"))?, [4]);
        assert_eq!(found(db, SearchQuery::phrase("checker borrow"))?, Vec::<i32>::new());
        let either = match db.dialect() {
            Dialect::Postgres => SearchQuery::raw("pasta | python"),
            Dialect::Sqlite => SearchQuery::raw("pasta OR python"),
        };
        assert_eq!(found(db, either)?, [2, 3]);
        let prefix = match db.dialect() {
            Dialect::Postgres => SearchQuery::raw("pyth:*"),
            Dialect::Sqlite => SearchQuery::raw("pyth*"),
        };
        assert_eq!(found(db, prefix)?, [2]);
    }

    fn a_search_combines_with_filters_and_negation(db) {
        stories(db)?;
        Story::objects()
            .filter(story::id.eq(4))
            .update(db, [story::views.set(50)])?;
        let popular: Vec<i32> = Story::objects()
            .search(title_body, "rust")
            .filter(story::views.gt(10))
            .values_list(story::id)
            .all(db)?;
        assert_eq!(popular, [4]);
        let other: Vec<i32> = Story::objects()
            .exclude(title_body.matches("rust"))
            .order_by([story::id.asc()])
            .values_list(story::id)
            .all(db)?;
        assert_eq!(other, [2, 3]);
        let either: Vec<i32> = Story::objects()
            .filter(title_body.matches("pasta") | summary_words.matches("systems"))
            .order_by([story::id.asc()])
            .values_list(story::id)
            .all(db)?;
        assert_eq!(either, [1, 3]);
    }

    fn ranking_puts_the_most_relevant_first_on_both_backends(db) {
        stories(db)?;
        let ranked: Vec<(i32, f64)> = Story::objects()
            .search(title_body, "rust")
            .order_by([title_body.rank("rust").desc()])
            .values_list((story::id, SearchRank(title_body, "rust")))
            .all(db)?;
        let ids: Vec<i32> = ranked.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [4, 1], "the story saying `rust` six times first: {ranked:?}");
        assert!(ranked[0].1 > ranked[1].1 && ranked[1].1 > 0.0, "{ranked:?}");

        // Every row, annotated: a row that does not match ranks 0.
        let all = Story::objects()
            .order_by([story::id.asc()])
            .annotate(title_body.rank("python"))
            .all(db)?;
        let ranks: Vec<(i32, bool)> = all.iter().map(|(s, rank)| (s.id, *rank > 0.0)).collect();
        assert_eq!(ranks, [(1, false), (2, true), (3, false), (4, false)]);
        assert!(all.iter().filter(|(s, _)| s.id != 2).all(|(_, rank)| *rank == 0.0));
    }

    fn highlight_marks_the_matches_in_the_whole_text(db) {
        stories(db)?;
        let marked: Vec<(i32, Option<String>, Option<String>)> = Story::objects()
            .order_by([story::id.asc()])
            .values_list((
                story::id,
                title_body.highlight(story::title, "rust", "<b>", "</b>"),
                title_body.highlight(story::body, "programs", "[", "]"),
            ))
            .all(db)?;
        assert_eq!(
            marked,
            [
                (
                    1,
                    Some("<b>Rust</b> is fast".to_owned()),
                    Some("Rust [programs] run quickly and safely.".to_owned()),
                ),
                (2, None, None),
                (3, None, None),
                (4, Some("<b>Rust</b> and <b>Rust</b> again".to_owned()), None),
            ]
        );
        let django: Vec<Option<String>> = Story::objects()
            .order_by([story::id.asc()])
            .values_list(SearchHeadline(title_body, story::title, "rust", "<b>", "</b>"))
            .all(db)?;
        let same: Vec<Option<String>> = marked.iter().map(|row| row.1.clone()).collect();
        assert_eq!(django, same, "SearchHeadline is highlight");
        // A nullable column of another index; the row with no summary has none.
        let summaries: Vec<Option<String>> = Story::objects()
            .order_by([story::id.asc()])
            .values_list(summary_words.highlight(story::summary, "recipes", "*", "*"))
            .all(db)?;
        assert_eq!(summaries, [None, None, Some("dinner *recipes*".to_owned()), None]);
    }

    fn a_snippet_is_a_marked_fragment(db) {
        stories(db)?;
        Story::objects().create(
            db,
            new_story(
                "Long",
                "one two three four five six seven eight nine ten eleven twelve thirteen \
                 fourteen fifteen sixteen seventeen eighteen nineteen twenty borrow \
                 twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six",
                None,
            ),
        )?;
        let snippet: Option<String> = Story::objects()
            .filter(story::title.eq("Long"))
            .values_list(title_body.snippet(story::body, "borrow", "<", ">", 6))
            .first(db)?
            .expect("one row");
        let snippet = snippet.expect("the row matches");
        assert!(snippet.contains("<borrow>"), "{snippet}");
        assert!(!snippet.contains("one two three"), "a fragment, not the whole text: {snippet}");
    }

    fn highlighting_a_column_outside_the_index_is_an_error(db) {
        stories(db)?;
        let error = Story::objects()
            .values_list(title_body.highlight(story::summary, "rust", "<", ">"))
            .all(db)
            .expect_err("summary is not in title_body");
        let message = error.to_string();
        assert!(
            message.contains("column `summary` is not in search index `title_body`"),
            "{message}"
        );
    }

    fn rows_written_after_the_index_exists_are_found(db) {
        stories(db)?;
        let new = Story::objects().create(db, new_story("Go channels", "Goroutines talk.", None))?;
        assert_eq!(found(db, "goroutines")?, [new.id], "an inserted row");

        Story::objects()
            .filter(story::id.eq(3))
            .update(db, [story::title.set("Rust pasta".to_owned())])?;
        assert_eq!(found(db, "rust")?, [1, 3, 4], "an updated row, by its new words");
        assert_eq!(found(db, "kitchen")?, Vec::<i32>::new(), "not by its old ones");

        let mut first = Story::objects().get(db, story::id.eq(1))?;
        first.body = "Now about something else.".to_owned();
        first.save(db)?;
        assert_eq!(found(db, "programs")?, Vec::<i32>::new());
        assert_eq!(found(db, "something")?, [1]);

        Story::objects().filter(story::id.eq(4)).delete(db)?;
        assert_eq!(found(db, "rust")?, [1, 3], "a deleted row is gone");

        let mut second = Story::objects().get(db, story::id.eq(2))?;
        second.summary = Some("snakes and ladders".to_owned());
        second.save(db)?;
        let snakes: Vec<i32> = Story::objects()
            .search(summary_words, "snakes")
            .values_list(story::id)
            .all(db)?;
        assert_eq!(snakes, [2], "a NULL column given a value");
    }

    fn the_search_is_served_by_its_index(db) {
        stories(db)?;
        let plan = db.transaction(|tx| {
            if tx.dialect() == Dialect::Postgres {
                // Four rows: without this the planner rightly scans the table.
                tx.execute("SET LOCAL enable_seqscan = off", &[])?;
            }
            Story::objects().search(title_body, "rust").explain(tx)
        })?;
        let index = match db.dialect() {
            Dialect::Postgres => "stories_title_body_search",
            Dialect::Sqlite => "VIRTUAL TABLE INDEX",
        };
        assert!(plan.contains(index), "{plan}");
    }

    fn inspectdb_gives_the_search_indexes_back(db) {
        stories(db)?;
        if db.dialect() == Dialect::Sqlite {
            // An FTS5 table over the same rows that no SearchIndex made.
            db.execute(
                "CREATE VIRTUAL TABLE story_words USING fts5(title, content='stories', content_rowid='id')",
                &[],
            )?;
            // And one holding rows of its own.
            db.execute("CREATE VIRTUAL TABLE notes USING fts5(text)", &[])?;
        }
        let schema = match db.dialect() {
            Dialect::Sqlite => None,
            Dialect::Postgres => db
                .fetch_one("SELECT current_schema() AS name", &[])?
                .and_then(|row| row.value("name").and_then(|v| v.as_str().map(str::to_owned))),
        };
        let options = pookie_inspect::Options {
            schema,
            ..pookie_inspect::Options::default()
        };
        let module = pookie_inspect::inspect(db, &options).unwrap_or_else(|e| panic!("{e}"));
        let tables: Vec<String> = module.models.iter().map(|m| m.table_name()).collect();
        let expected_tables: &[&str] = match db.dialect() {
            Dialect::Sqlite => &["notes", "stories"],
            Dialect::Postgres => &["stories"],
        };
        assert_eq!(tables, expected_tables, "no model for the shadow tables of FTS5 tables");
        let stories = module.models.iter().find(|m| m.table_name() == "stories").unwrap();
        // A database keeps no order of its indexes: compare them by name.
        let by_name = |indexes: &[pookie_grammar::ir::SearchIndex]| {
            let mut indexes = indexes.to_vec();
            indexes.sort_by_key(|index| index.name());
            indexes
        };
        let written = story_schema(true);
        let expected = &written.model("Story").unwrap().meta.search_indexes;
        assert_eq!(by_name(&stories.meta.search_indexes), by_name(expected));
        let comment = stories.comment.clone().unwrap_or_default();
        assert!(!comment.contains("trigger"), "the sync triggers are part of the index: {comment}");
        if db.dialect() == Dialect::Sqlite {
            assert!(comment.contains("story_words"), "{comment}");
            let notes = module.models.iter().find(|m| m.table_name() == "notes").unwrap();
            let note = notes.comment.clone().unwrap_or_default();
            assert!(note.contains("FTS5 full-text table holding its own rows"), "{note}");
        }
    }

    fn drift_reports_a_search_index_broken_by_hand(db) {
        stories(db)?;
        let state = story_schema(true);
        assert_eq!(drift(db, &state), Vec::<String>::new());
        let broken = match db.dialect() {
            Dialect::Sqlite => "DROP TRIGGER stories_title_body_au",
            Dialect::Postgres => "DROP INDEX stories_title_body_search",
        };
        db.execute(broken, &[])?;
        assert_eq!(
            drift(db, &state),
            ["table `stories`: search index `title_body` is missing"]
        );
    }

    fn a_migration_adds_a_search_index_to_a_table_with_rows(db) {
        migrate_to_a_search_index(db)?;
    }
}

/// The model of `schemas/search.pookie`, with `search_indexes` or without.
fn story_schema(indexed: bool) -> State {
    let meta = if indexed {
        r#"search_indexes = [
            SearchIndex(fields = ["title", "body"], config = "english"),
            SearchIndex(fields = ["summary"], name = "summary_words"),
        ]"#
    } else {
        ""
    };
    let text = format!(
        r#"model Story {{
    title   = CharField(max_length = 200)
    body    = TextField()
    summary = TextField(null = true)
    views   = IntegerField(default = 0)
    meta {{
        db_table = "stories"
        {meta}
    }}
}}
"#
    );
    let schema = pookie_grammar::load(&[Source {
        path: "search.pookie".into(),
        text,
    }])
    .unwrap_or_else(|errors| panic!("{errors}"));
    State::from_schema(&schema, "default")
}

/// The migration `makemigrations` writes from `before` to `after`, printed
/// and parsed back as from its folder.
fn migration(name: &str, before: &State, after: &State) -> (Migration, Vec<Operation>) {
    let changes = diff(before, after, &mut NoInput).unwrap_or_else(|e| panic!("diff: {e}"));
    let printed = print_migration(&changes.to_text());
    let parsed = parse_migration(
        &Source {
            path: format!("{name}/migration.pookie").into(),
            text: printed.clone(),
        },
        before,
    )
    .unwrap_or_else(|e| panic!("{printed}\n{e}"));
    assert_eq!(parsed.operations, changes.operations, "{printed}");
    let operations = parsed.operations;
    let migration = support::migrations::runtime_migration(name, &printed, before, &operations)
        .unwrap_or_else(|e| panic!("{e}"));
    (migration, operations)
}

/// The search objects in the database: FTS5 tables and triggers on SQLite,
/// GIN indexes on PostgreSQL (in the current schema).
fn search_objects(db: &Db) -> pookie::Result<Vec<String>> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE (type = 'trigger' OR sql LIKE 'CREATE VIRTUAL%') \
             ORDER BY name"
        }
        Dialect::Postgres => {
            "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() \
             AND indexdef LIKE '%to_tsvector%' ORDER BY indexname"
        }
    };
    Ok(db
        .fetch_all(sql, &[])?
        .iter()
        .filter_map(|row| {
            row.value("name")
                .and_then(|v| v.as_str().map(str::to_owned))
        })
        .collect())
}

fn drift(db: &Db, state: &State) -> Vec<String> {
    pookie_inspect::drift(db, state)
        .unwrap_or_else(|e| panic!("drift: {e}"))
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn migrate_to_a_search_index(db: &Db) -> pookie::Result<()> {
    let plain = story_schema(false);
    let indexed = story_schema(true);
    let (create, _) = migration("0001_initial", &State::default(), &plain);
    let (add, operations) = migration("0002_search", &plain, &indexed);
    assert!(
        matches!(
            operations.as_slice(),
            [
                Operation::AddSearchIndex { .. },
                Operation::AddSearchIndex { .. }
            ]
        ),
        "{operations:?}"
    );
    runner::migrate(db, &Migrations::new(vec![create.clone()]))?;
    for (title, body, summary) in STORIES {
        Story::objects().create(db, new_story(title, body, summary))?;
    }
    assert_eq!(search_objects(db)?, Vec::<String>::new());

    let both = Migrations::new(vec![create, add]);
    runner::migrate(db, &both)?;
    assert_eq!(
        found(db, "rust")?,
        [1, 4],
        "the rows already there are indexed"
    );
    assert_eq!(found(db, "running")?, [1]);
    let summaries: Vec<i32> = Story::objects()
        .search(summary_words, "recipes")
        .values_list(story::id)
        .all(db)?;
    assert_eq!(summaries, [3]);
    let expected_objects: &[&str] = match db.dialect() {
        Dialect::Sqlite => &[
            "stories_summary_words",
            "stories_summary_words_ad",
            "stories_summary_words_ai",
            "stories_summary_words_au",
            "stories_title_body",
            "stories_title_body_ad",
            "stories_title_body_ai",
            "stories_title_body_au",
        ],
        Dialect::Postgres => &["stories_summary_words_search", "stories_title_body_search"],
    };
    assert_eq!(search_objects(db)?, expected_objects);
    assert_eq!(
        drift(db, &indexed),
        Vec::<String>::new(),
        "the index is no drift"
    );
    assert!(
        !drift(db, &plain).is_empty(),
        "against a state without the indexes, they are reported"
    );

    // Rows written after the migration are kept in sync too.
    Story::objects().create(db, new_story("Rust again", "More.", None))?;
    assert_eq!(found(db, "rust")?, [1, 4, 5]);

    let back = MigrateOptions {
        target: Target::Name("0001_initial".into()),
        ..MigrateOptions::default()
    };
    runner::migrate_with(db, &both, &back, &mut |_| {})?;
    assert_eq!(search_objects(db)?, Vec::<String>::new(), "rolled back");
    assert_eq!(drift(db, &plain), Vec::<String>::new());
    assert_eq!(Story::objects().count(db)?, 5, "the rows stay");
    Ok(())
}
