//! Queries across relations: conditions and ordering through them,
//! `select_related` and `prefetch_related`, on SQLite and on PostgreSQL.
//! Statements are counted with `pookie::capture_queries` (Django's
//! `CaptureQueriesContext`).

#[macro_use]
mod support;

use std::sync::Arc;

use pookie::{capture_queries, Db, Error, Model};

pub mod blog {
    pookie::include_models!("blog");
}

pub mod library {
    pookie::include_models!("library");
}

pub mod relations {
    pookie::include_models!("relations");
}

use library::{
    article, book, publisher, topic, writer, Article, Book, NewArticle, NewBook, NewPublisher,
    NewTopic, NewWriter, Publisher, Topic, Writer,
};

// ---------------------------------------------------------------------------
// Reading what a query loaded, from the instance's `Loaded` slots.

fn loaded_one<M: Model, T: Model>(parent: &M, relation: usize) -> Option<&T> {
    parent
        .loaded()
        .get::<Option<T>>(relation)
        .unwrap_or_else(|| panic!("relation {relation} of {} not loaded", M::META.name))
        .as_ref()
}

fn loaded_many<M: Model, T: Model>(parent: &M, relation: usize) -> &[T] {
    parent
        .loaded()
        .get::<Vec<T>>(relation)
        .unwrap_or_else(|| panic!("relation {relation} of {} not loaded", M::META.name))
}

fn names<T>(rows: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    rows.iter().map(|row| name(row).to_owned()).collect()
}

// ---------------------------------------------------------------------------
// The library: Penguin publishes Ann, Orbit publishes Ben, Cy has no
// publisher and no book. Ann wrote Alpha (320 pages), Beta (120) and Delta
// (400); Ben wrote Gamma (500). Articles: A1 tagged rust and sql, A2 go, A3
// nothing; the topic zig tags nothing.

struct Library {
    penguin: Publisher,
    ann: Writer,
    ben: Writer,
    cy: Writer,
    rust: Topic,
}

fn link(db: &Db, article: &Article, topic: &Topic) -> pookie::Result<()> {
    db.execute(
        "INSERT INTO \"library_articles_library_tags\" (\"library_articles_id\", \"library_tags_id\") VALUES ($1, $2)",
        &[article.id.into(), topic.id.into()],
    )?;
    Ok(())
}

fn library(db: &Db) -> pookie::Result<Library> {
    library::create_tables(db)?;
    let penguin = Publisher::objects().create(db, NewPublisher::new().name("Penguin"))?;
    let orbit = Publisher::objects().create(db, NewPublisher::new().name("Orbit"))?;
    let ann = Writer::objects().create(db, NewWriter::new().name("Ann").publisher(&penguin))?;
    let ben = Writer::objects().create(db, NewWriter::new().name("Ben").publisher(&orbit))?;
    let cy = Writer::objects().create(db, NewWriter::new().name("Cy"))?;
    for (title, author, pages) in [
        ("Alpha", &ann, 320),
        ("Beta", &ann, 120),
        ("Delta", &ann, 400),
        ("Gamma", &ben, 500),
    ] {
        Book::objects().create(db, NewBook::new().title(title).author(author).pages(pages))?;
    }
    let topic = |name: &str| Topic::objects().create(db, NewTopic::new().name(name));
    let (rust, sql, go) = (topic("rust")?, topic("sql")?, topic("go")?);
    topic("zig")?;
    let article =
        |headline: &str| Article::objects().create(db, NewArticle::new().headline(headline));
    let (a1, a2) = (article("A1")?, article("A2")?);
    article("A3")?;
    link(db, &a1, &rust)?;
    link(db, &a1, &sql)?;
    link(db, &a2, &go)?;
    Ok(Library {
        penguin,
        ann,
        ben,
        cy,
        rust,
    })
}

fn titles(query: pookie::QuerySet<Book>, db: &Db) -> pookie::Result<Vec<String>> {
    Ok(names(&query.all(db)?, |book| &book.title))
}

fn writer_names(query: pookie::QuerySet<Writer>, db: &Db) -> pookie::Result<Vec<String>> {
    Ok(names(&query.all(db)?, |writer| &writer.name))
}

fn headlines(query: pookie::QuerySet<Article>, db: &Db) -> pookie::Result<Vec<String>> {
    Ok(names(&query.all(db)?, |article| &article.headline))
}

on_both_backends! {
    fn forward_conditions_traverse_to_any_depth(db) {
        let lib = library(db)?;
        let penguin_books = Book::objects()
            .filter(book::author.is(writer::publisher.is(publisher::name.eq("Penguin"))));
        assert_eq!(titles(penguin_books, db)?, ["Alpha", "Beta", "Delta"]);
        let long_orbit = Book::objects().filter(
            book::author.is(writer::publisher.is(publisher::name.eq("Orbit")))
                & book::pages.gt(300),
        );
        assert_eq!(titles(long_orbit, db)?, ["Gamma"]);

        assert_eq!(titles(Book::objects().filter(book::author.eq(&lib.ben)), db)?, ["Gamma"]);
        let by_either = Book::objects().filter(book::author.is_in([&lib.ann, &lib.ben]));
        assert_eq!(titles(by_either, db)?.len(), 4);
        let by_nobody = Book::objects().filter(book::author.is_in(std::iter::empty::<&Writer>()));
        assert!(titles(by_nobody, db)?.is_empty());
        assert_eq!(writer_names(Writer::objects().filter(writer::publisher.eq(&lib.penguin)), db)?, ["Ann"]);

        assert_eq!(writer_names(Writer::objects().filter(writer::publisher.is_null()), db)?, ["Cy"]);
        assert_eq!(writer_names(Writer::objects().filter(writer::publisher.is_not_null()), db)?, ["Ann", "Ben"]);
        // Excluding through a nullable key keeps the rows where it is NULL.
        let not_penguin = Writer::objects().exclude(writer::publisher.is(publisher::name.eq("Penguin")));
        assert_eq!(writer_names(not_penguin, db)?, ["Ben", "Cy"]);
    }

    fn reverse_conditions_some_every_none_exists(db) {
        library(db)?;
        // Ann has two books over 300 pages and still appears once.
        let long = Writer::objects().filter(writer::book_set.some(book::pages.gt(300)));
        assert_eq!(writer_names(long, db)?, ["Ann", "Ben"]);
        assert_eq!(Writer::objects().filter(writer::book_set.some(book::pages.gt(300))).count(db)?, 2);
        // Every: true for Cy, who has no book.
        let all_long = Writer::objects().filter(writer::book_set.every(book::pages.gt(300)));
        assert_eq!(writer_names(all_long, db)?, ["Ben", "Cy"]);
        let none_long = Writer::objects().filter(writer::book_set.none(book::pages.gt(300)));
        assert_eq!(writer_names(none_long, db)?, ["Cy"]);
        assert_eq!(writer_names(Writer::objects().filter(writer::book_set.exists()), db)?, ["Ann", "Ben"]);
        assert_eq!(writer_names(Writer::objects().exclude(writer::book_set.exists()), db)?, ["Cy"]);
        // Through a nullable reverse key, depth two: publishers with a writer of a long book.
        let publishers = Publisher::objects()
            .filter(publisher::writer_set.some(writer::book_set.some(book::pages.gte(500))));
        assert_eq!(names(&publishers.all(db)?, |p| &p.name), ["Orbit"]);
        let without = Publisher::objects().filter(publisher::writer_set.none(writer::name.eq("Ann")));
        assert_eq!(names(&without.all(db)?, |p| &p.name), ["Orbit"]);
    }

    fn many_to_many_conditions_go_through_the_join_table(db) {
        let lib = library(db)?;
        let rust = Article::objects().filter(article::tags.some(topic::name.eq("rust")));
        assert_eq!(headlines(rust, db)?, ["A1"]);
        let rust_or_sql = Article::objects()
            .filter(article::tags.every(topic::name.is_in(["rust", "sql"])));
        assert_eq!(headlines(rust_or_sql, db)?, ["A1", "A3"]);
        let no_rust = Article::objects().filter(article::tags.none(topic::name.eq("rust")));
        assert_eq!(headlines(no_rust, db)?, ["A2", "A3"]);
        assert_eq!(headlines(Article::objects().filter(article::tags.exists()), db)?, ["A1", "A2"]);
        // The reverse side, and a condition on the related row itself.
        let used = Topic::objects().filter(topic::article_set.exists());
        assert_eq!(names(&used.all(db)?, |t| &t.name), ["go", "rust", "sql"]);
        let with_a1 = Topic::objects().filter(topic::article_set.some(article::headline.eq("A1")));
        assert_eq!(names(&with_a1.all(db)?, |t| &t.name), ["rust", "sql"]);
        let tagged_rust = Article::objects().filter(article::tags.some(topic::id.eq(lib.rust.id)));
        assert_eq!(headlines(tagged_rust, db)?, ["A1"]);
    }

    fn self_referential_relations_filter_and_order(db) {
        use relations::{employee, Employee, NewEmployee};
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let new = |name: &str, boss: Option<&Employee>| {
            let form = NewEmployee::new().name(name);
            let form = match boss {
                Some(boss) => form.reports_to(boss),
                None => form,
            };
            Employee::objects().create(db, form)
        };
        let boss = new("Boss", None)?;
        let mid = new("Mid", Some(&boss))?;
        new("Other", Some(&boss))?;
        new("Low", Some(&mid))?;
        let names_of = |query: pookie::QuerySet<Employee>| -> pookie::Result<Vec<String>> {
            Ok(names(&query.all(db)?, |e| &e.name))
        };

        let under_boss = Employee::objects().filter(employee::reports_to.is(employee::name.eq("Boss")));
        assert_eq!(names_of(under_boss)?, ["Mid", "Other"]);
        let two_levels = Employee::objects().filter(
            employee::reports_to.is(employee::reports_to.is(employee::name.eq("Boss"))),
        );
        assert_eq!(names_of(two_levels)?, ["Low"]);
        let managers_of_low = Employee::objects().filter(employee::reports.some(employee::name.eq("Low")));
        assert_eq!(names_of(managers_of_low)?, ["Mid"]);
        let leaves = Employee::objects().filter(employee::reports.none(employee::name.ne("")));
        assert_eq!(names_of(leaves)?, ["Low", "Other"]);
        assert_eq!(names_of(Employee::objects().exclude(employee::reports.exists()))?, ["Low", "Other"]);

        // Ordered by the manager's name, then by the manager's manager's.
        let by_manager = Employee::objects()
            .filter(employee::reports_to.is_not_null())
            .order_by([employee::reports_to.order(employee::name.asc()), employee::name.asc()]);
        assert_eq!(names_of(by_manager)?, ["Mid", "Other", "Low"]);
        let by_manager_desc = Employee::objects()
            .filter(employee::reports_to.is_not_null())
            .order_by([employee::reports_to.order(employee::name.desc()), employee::name.asc()]);
        assert_eq!(names_of(by_manager_desc)?, ["Low", "Mid", "Other"]);
        let by_grand_manager = Employee::objects()
            .filter(employee::reports_to.is(employee::reports_to.is_not_null()))
            .order_by([employee::reports_to.order(employee::reports_to.order(employee::name.asc()))]);
        assert_eq!(names_of(by_grand_manager)?, ["Low"]);
    }

    fn ordering_follows_forward_relations_at_depth(db) {
        library(db)?;
        let by_publisher = Book::objects().order_by([
            book::author.order(writer::publisher.order(publisher::name.asc())),
            book::title.desc(),
        ]);
        assert_eq!(titles(by_publisher, db)?, ["Gamma", "Delta", "Beta", "Alpha"]);
        let by_author_desc = Book::objects()
            .order_by([book::author.order(writer::name.desc()), book::title.asc()]);
        assert_eq!(titles(by_author_desc, db)?, ["Gamma", "Alpha", "Beta", "Delta"]);
        // Reversed for `last`, through the relation too.
        let last = Book::objects()
            .order_by([book::author.order(writer::name.asc()), book::title.asc()])
            .last(db)?;
        assert_eq!(last.map(|book| book.title).as_deref(), Some("Gamma"));
    }

    fn two_relations_to_one_model_stay_apart(db) {
        use relations::{address, shipment, Address, NewAddress, NewShipment, Shipment};
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let paris = Address::objects().create(db, NewAddress::new().city("Paris"))?;
        let oslo = Address::objects().create(db, NewAddress::new().city("Oslo"))?;
        Shipment::objects().create(db, NewShipment::new().reference("S1").bill_to(&paris).ship_to(&oslo))?;
        Shipment::objects().create(db, NewShipment::new().reference("S2").bill_to(&oslo).ship_to(&oslo))?;
        let refs = |query: pookie::QuerySet<Shipment>| -> pookie::Result<Vec<String>> {
            Ok(names(&query.order_by([shipment::reference.asc()]).all(db)?, |s| &s.reference))
        };
        assert_eq!(refs(Shipment::objects().filter(shipment::bill_to.is(address::city.eq("Paris"))))?, ["S1"]);
        assert!(refs(Shipment::objects().filter(shipment::ship_to.is(address::city.eq("Paris"))))?.is_empty());
        assert_eq!(refs(Shipment::objects().filter(shipment::ship_to.eq(&oslo)))?, ["S1", "S2"]);
        let cities = |query: pookie::QuerySet<Address>| -> pookie::Result<Vec<String>> {
            Ok(names(&query.order_by([address::city.asc()]).all(db)?, |a| &a.city))
        };
        assert_eq!(cities(Address::objects().filter(address::billed_shipments.exists()))?, ["Oslo", "Paris"]);
        assert_eq!(cities(Address::objects().filter(address::shipped_shipments.exists()))?, ["Oslo"]);
        let billed_s1 = Address::objects().filter(address::billed_shipments.some(shipment::reference.eq("S1")));
        assert_eq!(cities(billed_s1)?, ["Paris"]);

        // Both joined at once, each into its own slot.
        let shipments = Shipment::objects()
            .select_related(shipment::bill_to)
            .select_related(shipment::ship_to)
            .order_by([shipment::reference.asc()])
            .all(db)?;
        let s1 = &shipments[0];
        let bill: Option<&Address> = loaded_one(s1, shipment::bill_to.index());
        let ship: Option<&Address> = loaded_one(s1, shipment::ship_to.index());
        assert_eq!(bill.map(|a| a.city.as_str()), Some("Paris"));
        assert_eq!(ship.map(|a| a.city.as_str()), Some("Oslo"));
    }

    fn a_foreign_key_to_a_one_to_one_primary_key_holds_that_key(db) {
        use relations::{
            passport, person, stamp, NewPassport, NewPerson, NewStamp, Passport, Person, Stamp,
        };
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let ada = Person::objects().create(db, NewPerson::new().name("Ada"))?;
        let bo = Person::objects().create(db, NewPerson::new().name("Bo"))?;
        let ada_passport =
            Passport::objects().create(db, NewPassport::new().person(&ada).number("P-1"))?;
        let bo_passport = Passport::objects().create(db, NewPassport::new().person_id(bo.id).number("P-2"))?;
        assert_eq!(ada_passport.person_id, ada.id);
        Stamp::objects().create(db, NewStamp::new().passport(&ada_passport).country("FR"))?;
        Stamp::objects().create(db, NewStamp::new().passport(&ada_passport).country("NO"))?;
        Stamp::objects().create(db, NewStamp::new().passport(&bo_passport).country("JP"))?;

        // The stamp's column holds the person's key, read through both relations.
        let stamps = Stamp::objects().order_by([stamp::country.asc()]).all(db)?;
        let keys: Vec<(String, i32)> = stamps.iter().map(|s| (s.country.clone(), s.passport_id)).collect();
        assert_eq!(keys, [("FR".to_owned(), ada.id), ("JP".to_owned(), bo.id), ("NO".to_owned(), ada.id)]);
        assert_eq!(stamps[1].passport(db)?.number, "P-2");
        assert_eq!(stamps[1].passport(db)?.person(db)?.name, "Bo");
        let countries: Vec<String> = ada_passport
            .stamps()
            .order_by([stamp::country.asc()])
            .all(db)?
            .into_iter()
            .map(|s| s.country)
            .collect();
        assert_eq!(countries, ["FR", "NO"]);
        assert_eq!(ada.passport(db)?.number, "P-1");

        // Joined in one statement, two levels deep, and filtered through.
        let (joined, sent) = capture_queries(|| {
            Stamp::objects()
                .select_related(stamp::passport)
                .order_by([stamp::country.asc()])
                .all(db)
        });
        let joined = joined?;
        assert_eq!(sent.len(), 1, "{sent:?}");
        let numbers: Vec<Option<String>> = joined
            .iter()
            .map(|s| loaded_one::<_, Passport>(s, stamp::passport.index()).map(|p| p.number.clone()))
            .collect();
        assert_eq!(numbers, [Some("P-1".to_owned()), Some("P-2".to_owned()), Some("P-1".to_owned())]);
        let of_bo = Stamp::objects()
            .filter(stamp::passport.is(passport::person.is(person::name.eq("Bo"))))
            .all(db)?;
        assert_eq!(names(&of_bo, |s| &s.country), ["JP"]);

        // ON UPDATE CASCADE carries a changed person key to the passport and its stamps.
        db.execute(&format!("UPDATE people SET id = 100 WHERE id = {}", ada.id), &[])?;
        let moved = Passport::objects().get(db, passport::number.eq("P-1"))?;
        assert_eq!(moved.person_id, 100);
        assert_eq!(Stamp::objects().filter(stamp::passport_id.eq(100)).count(db)?, 2);
    }

    fn a_not_null_foreign_key_to_a_nullable_unique_field(db) {
        use relations::{redemption, voucher, NewRedemption, NewVoucher, Redemption, Voucher};
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let v1 = Voucher::objects().create(db, NewVoucher::new().code(Some("V1".to_owned())))?;
        Voucher::objects().create(db, NewVoucher::new())?;
        Voucher::objects().create(db, NewVoucher::new().code(Some("V2".to_owned())))?;
        Redemption::objects().create(db, NewRedemption::new().voucher_id("V1"))?;
        Redemption::objects().create(db, NewRedemption::new().voucher_id("V2"))?;
        Redemption::objects().create(db, NewRedemption::new().voucher_id("V2"))?;

        let redemptions = Redemption::objects().order_by([redemption::id.asc()]).all(db)?;
        let codes: Vec<&str> = redemptions.iter().map(|r| r.voucher_id.as_str()).collect();
        assert_eq!(codes, ["V1", "V2", "V2"]);
        assert_eq!(redemptions[0].voucher(db)?.id, v1.id);
        assert_eq!(v1.redemptions().count(db)?, 1);
        let joined = Redemption::objects()
            .select_related(redemption::voucher)
            .order_by([redemption::id.asc()])
            .all(db)?;
        let loaded: Vec<Option<String>> = joined
            .iter()
            .map(|r| loaded_one::<_, Voucher>(r, redemption::voucher.index()).and_then(|v| v.code.clone()))
            .collect();
        assert_eq!(loaded, [Some("V1".to_owned()), Some("V2".to_owned()), Some("V2".to_owned())]);
        let used = Voucher::objects()
            .filter(voucher::redemptions.exists())
            .order_by([voucher::id.asc()])
            .all(db)?;
        assert_eq!(used.iter().map(|v| v.code.clone()).collect::<Vec<_>>(), [Some("V1".to_owned()), Some("V2".to_owned())]);
        let prefetched = Voucher::objects()
            .prefetch_related(voucher::redemptions)
            .order_by([voucher::id.asc()])
            .all(db)?;
        let counts: Vec<usize> = prefetched
            .iter()
            .map(|v| loaded_many::<_, Redemption>(v, voucher::redemptions.index()).len())
            .collect();
        assert_eq!(counts, [1, 0, 2]);

        // ON UPDATE RESTRICT: a referenced code cannot change.
        let refused = db.execute("UPDATE vouchers SET code = 'V9' WHERE code = 'V1'", &[]);
        assert!(matches!(refused, Err(Error::Integrity { .. })), "{refused:?}");
    }

    fn relations_across_schema_files(db) {
        use relations::{writer_rating, NewWriterRating, WriterRating};
        let lib = library(db)?;
        relations::create_tables(db)?;
        WriterRating::objects().create(db, NewWriterRating::new().writer(&lib.ann).stars(5))?;
        WriterRating::objects().create(db, NewWriterRating::new().writer(&lib.ben).stars(2))?;
        let liked = Writer::objects().filter(writer::ratings.some(writer_rating::stars.gte(4)));
        assert_eq!(writer_names(liked, db)?, ["Ann"]);
        let of_penguin = WriterRating::objects()
            .filter(writer_rating::writer.is(writer::publisher.is(publisher::name.eq("Penguin"))));
        assert_eq!(of_penguin.all(db)?.iter().map(|r| r.stars).collect::<Vec<_>>(), [5]);
        let writers = Writer::objects().prefetch_related(writer::ratings).all(db)?;
        let counts: Vec<usize> = writers
            .iter()
            .map(|w| loaded_many::<_, WriterRating>(w, writer::ratings.index()).len())
            .collect();
        assert_eq!(counts, [1, 1, 0]);
    }

    fn conditions_through_a_joined_relation_select_the_same_rows(db) {
        library(db)?;
        // Through a joined relation, the condition is written against the
        // join instead of a semi-join; the rows must not change, including
        // writers without a publisher and conditions that a row of NULLs
        // would meet.
        let writer_filters = [
            writer::publisher.is(publisher::name.eq("Penguin")),
            writer::publisher.is(!publisher::name.eq("Penguin")),
            writer::publisher.is(publisher::name.eq("Penguin") | publisher::name.eq("Orbit")),
            writer::publisher.is(publisher::name.eq("Penguin")) | writer::name.eq("Cy"),
            !writer::publisher.is(publisher::name.eq("Penguin")),
            writer::publisher.is(publisher::name.eq("Orbit")) & writer::name.startswith("B"),
        ];
        for filter in writer_filters {
            let described = format!("{filter:?}");
            let plain = writer_names(Writer::objects().filter(filter.clone()), db)?;
            let joined = writer_names(
                Writer::objects().filter(filter).select_related(writer::publisher),
                db,
            )?;
            assert_eq!(joined, plain, "{described}");
        }
        let book_filters = [
            book::author.is(writer::publisher.is(publisher::name.eq("Penguin"))),
            book::author.is(writer::name.eq("Ben") & writer::publisher.is(publisher::name.eq("Orbit"))),
            book::author.is(writer::publisher.is(!publisher::name.eq("Orbit"))) & book::pages.gt(200),
        ];
        for filter in book_filters {
            let described = format!("{filter:?}");
            let plain = titles(Book::objects().filter(filter.clone()), db)?;
            for joined_query in [
                Book::objects().filter(filter.clone()).select_related(book::author),
                Book::objects()
                    .filter(filter.clone())
                    .select_related(book::author.then(writer::publisher)),
            ] {
                let (joined, sent) = capture_queries(|| titles(joined_query, db));
                assert_eq!(joined?, plain, "{described}");
                assert!(!sent[0].contains("IN (SELECT \"library_writers\""), "{described}: {}", sent[0]);
            }
        }
        // Self-referential: the join and the query set's own table are the same table.
        use relations::{employee, Employee, NewEmployee};
        relations::create_tables(db)?;
        let employees = |names: &[&str]| -> pookie::Result<()> {
            let mut boss: Option<Employee> = None;
            for name in names {
                let mut form = NewEmployee::new().name(*name);
                if let Some(boss) = &boss {
                    form = form.reports_to(boss);
                }
                boss = Some(Employee::objects().create(db, form)?);
            }
            Ok(())
        };
        employees(&["Ada", "Bea", "Cal"])?;
        let filter = employee::reports_to.is(employee::name.eq("Bea")) | employee::name.eq("Ada");
        let plain: Vec<String> = Employee::objects().filter(filter.clone()).all(db)?.into_iter().map(|e| e.name).collect();
        let joined: Vec<String> = Employee::objects()
            .filter(employee::reports_to.is(employee::name.eq("Bea")))
            .select_related(employee::reports_to)
            .all(db)?
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(plain, ["Ada", "Cal"]);
        assert_eq!(joined, ["Cal"]);
    }

    fn select_related_loads_single_and_nested_paths_in_one_statement(db) {
        let lib = library(db)?;
        let (books, sent) = capture_queries(|| {
            Book::objects().select_related(book::author.then(writer::publisher)).all(db)
        });
        let books = books?;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(books.len(), 4);
        for book in &books {
            let author: &Writer = loaded_one(book, book::author.index()).expect("every book has an author");
            assert_eq!(author.id, book.author_id);
            let publisher: Option<&Publisher> = loaded_one(author, writer::publisher.index());
            let expected = if author.id == lib.ann.id { "Penguin" } else { "Orbit" };
            assert_eq!(publisher.map(|p| p.name.as_str()), Some(expected));
        }

        // A duplicate path and a shared prefix are joined once.
        let (books, sent) = capture_queries(|| {
            Book::objects()
                .select_related(book::author)
                .select_related(book::author.then(writer::publisher))
                .select_related(book::author)
                .filter(book::pages.gt(300))
                .all(db)
        });
        assert_eq!(books?.len(), 3);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].matches("LEFT JOIN").count(), 2, "{}", sent[0]);

        // A NULL key loads None; the rows keep the query set's order and slice.
        let writers = Writer::objects().select_related(writer::publisher).all(db)?;
        assert_eq!(names(&writers, |w| &w.name), ["Ann", "Ben", "Cy"]);
        let publishers: Vec<Option<&str>> = writers
            .iter()
            .map(|w| loaded_one::<_, Publisher>(w, writer::publisher.index()).map(|p| p.name.as_str()))
            .collect();
        assert_eq!(publishers, [Some("Penguin"), Some("Orbit"), None]);

        // first, last, get and get_or_none load them too.
        let first = Book::objects().select_related(book::author).first(db)?.expect("a book");
        assert_eq!(loaded_one::<_, Writer>(&first, book::author.index()).map(|w| w.name.as_str()), Some("Ann"));
        let last = Book::objects().select_related(book::author).last(db)?.expect("a book");
        assert_eq!(loaded_one::<_, Writer>(&last, book::author.index()).map(|w| w.name.as_str()), Some("Ben"));
        let cy = Writer::objects().select_related(writer::publisher).get(db, writer::id.eq(lib.cy.id))?;
        assert!(loaded_one::<_, Publisher>(&cy, writer::publisher.index()).is_none());
        let gamma = Book::objects()
            .select_related(book::author.then(writer::publisher))
            .get_or_none(db, book::title.eq("Gamma"))?
            .expect("Gamma");
        let ben: &Writer = loaded_one(&gamma, book::author.index()).expect("its author");
        assert_eq!(ben.id, lib.ben.id);
        assert_eq!(loaded_one::<_, Publisher>(ben, writer::publisher.index()).map(|p| p.name.as_str()), Some("Orbit"));

        // Locking reads lock the query set's own rows (PostgreSQL refuses to
        // lock the nullable side of an outer join).
        let locked = Book::objects()
            .select_related(book::author.then(writer::publisher))
            .select_for_update()
            .all(db)?;
        assert!(locked.iter().all(|b| loaded_one::<_, Writer>(b, book::author.index()).is_some()));

        // The streaming readers join too.
        let streamed: Vec<Book> = Book::objects()
            .select_related(book::author)
            .iterator(db)?
            .collect::<pookie::Result<_>>()?;
        assert!(streamed.iter().all(|b| loaded_one::<_, Writer>(b, book::author.index()).is_some()));
        let mut seen = 0;
        Book::objects().select_related(book::author).for_each(db, |book| {
            seen += usize::from(loaded_one::<_, Writer>(&book, book::author.index()).is_some());
            Ok(true)
        })?;
        assert_eq!(seen, 4);
    }

    fn select_related_follows_a_reverse_one_to_one(db) {
        use blog::{author, user_profile, Author, NewAuthor, NewUserProfile, UserProfile};
        blog::create_tables(db)?;
        let grace = Author::objects().create(db, NewAuthor::new().name("Grace").email("g@example.com"))?;
        Author::objects().create(db, NewAuthor::new().name("Bob").email("b@example.com"))?;
        UserProfile::objects().create(db, NewUserProfile::new().author(&grace).avatar("https://example.com/g.png"))?;
        let authors = Author::objects()
            .select_related(author::user_profile)
            .order_by([author::name.asc()])
            .all(db)?;
        let avatars: Vec<Option<String>> = authors
            .iter()
            .map(|a| loaded_one::<_, UserProfile>(a, author::user_profile.index()).and_then(|p| p.avatar.clone()))
            .collect();
        assert_eq!(avatars, [None, Some("https://example.com/g.png".to_owned())]);
        let with_profile = Author::objects().filter(author::user_profile.exists()).all(db)?;
        assert_eq!(names(&with_profile, |a| &a.name), ["Grace"]);
        let with_avatar = Author::objects()
            .filter(author::user_profile.is(user_profile::avatar.isnull(false)))
            .all(db)?;
        assert_eq!(names(&with_avatar, |a| &a.name), ["Grace"]);
        let prefetched = Author::objects()
            .prefetch_related(author::user_profile)
            .order_by([author::name.asc()])
            .all(db)?;
        assert!(loaded_one::<_, UserProfile>(&prefetched[0], author::user_profile.index()).is_none());
        assert!(loaded_one::<_, UserProfile>(&prefetched[1], author::user_profile.index()).is_some());
    }

    fn prefetch_related_loads_every_relation_kind(db) {
        let lib = library(db)?;
        // Forward: one query more, one loaded writer shared by its books.
        let (books, sent) = capture_queries(|| Book::objects().prefetch_related(book::author).all(db));
        let books = books?;
        assert_eq!(sent.len(), 2, "{sent:?}");
        let ann_books: Vec<&Book> = books.iter().filter(|b| b.author_id == lib.ann.id).collect();
        let shared = |book: &Book| book.loaded().get_shared(book::author.index()).cloned().expect("loaded");
        assert!(Arc::ptr_eq(&shared(ann_books[0]), &shared(ann_books[1])));
        assert_eq!(loaded_one::<_, Writer>(ann_books[0], book::author.index()).map(|w| w.name.as_str()), Some("Ann"));

        // Reverse: each writer's books in the book ordering; none for Cy.
        let (writers, sent) = capture_queries(|| Writer::objects().prefetch_related(writer::book_set).all(db));
        let writers = writers?;
        assert_eq!(sent.len(), 2, "{sent:?}");
        let shelves: Vec<Vec<String>> = writers
            .iter()
            .map(|w| names(loaded_many::<_, Book>(w, writer::book_set.index()), |b| &b.title))
            .collect();
        assert_eq!(shelves, [vec!["Alpha", "Beta", "Delta"], vec!["Gamma"], vec![]]);

        // Many-to-many, both sides.
        let articles = Article::objects().prefetch_related(article::tags).all(db)?;
        let tags: Vec<Vec<String>> = articles
            .iter()
            .map(|a| names(loaded_many::<_, Topic>(a, article::tags.index()), |t| &t.name))
            .collect();
        assert_eq!(tags, [vec!["rust", "sql"], vec!["go"], vec![]]);
        let topics = Topic::objects().prefetch_related(topic::article_set).all(db)?;
        let tagged: Vec<(String, usize)> = topics
            .iter()
            .map(|t| (t.name.clone(), loaded_many::<_, Article>(t, topic::article_set.index()).len()))
            .collect();
        assert_eq!(tagged, [("go".into(), 1), ("rust".into(), 1), ("sql".into(), 1), ("zig".into(), 0)]);

        // Nested: publishers, their writers, their books: one query per step.
        let (publishers, sent) = capture_queries(|| {
            Publisher::objects()
                .prefetch_related(publisher::writer_set.then(writer::book_set))
                .prefetch_related(publisher::writer_set)
                .all(db)
        });
        let publishers = publishers?;
        assert_eq!(sent.len(), 3, "{sent:?}");
        let penguin = publishers.iter().find(|p| p.id == lib.penguin.id).expect("Penguin");
        let penguin_writers: &[Writer] = loaded_many(penguin, publisher::writer_set.index());
        assert_eq!(names(penguin_writers, |w| &w.name), ["Ann"]);
        assert_eq!(loaded_many::<_, Book>(&penguin_writers[0], writer::book_set.index()).len(), 3);

        // Forward then forward, and select_related with prefetch_related.
        let (books, sent) = capture_queries(|| {
            Book::objects()
                .select_related(book::author)
                .prefetch_related(book::author.then(writer::publisher))
                .filter(book::title.eq("Gamma"))
                .all(db)
        });
        let books = books?;
        assert_eq!(sent.len(), 3, "{sent:?}");
        let author: &Writer = loaded_one(&books[0], book::author.index()).expect("its author");
        assert_eq!(loaded_one::<_, Publisher>(author, writer::publisher.index()).map(|p| p.name.as_str()), Some("Orbit"));

        // No parent, no key: no query beyond the main one.
        let (none, sent) = capture_queries(|| {
            Writer::objects().filter(writer::name.eq("Nobody")).prefetch_related(writer::book_set).all(db)
        });
        assert!(none?.is_empty());
        assert_eq!(sent.len(), 1, "{sent:?}");
        let (cy, sent) = capture_queries(|| {
            Writer::objects().filter(writer::id.eq(lib.cy.id)).prefetch_related(writer::publisher).all(db)
        });
        assert_eq!(sent.len(), 1, "a NULL key asks for nothing: {sent:?}");
        assert!(loaded_one::<_, Publisher>(&cy?[0], writer::publisher.index()).is_none());

        // Streaming cannot prefetch.
        let refused = Writer::objects().prefetch_related(writer::book_set).iterator(db).map(|_| ());
        assert!(matches!(refused, Err(Error::Usage { .. })), "{refused:?}");
        let refused = Writer::objects().prefetch_related(writer::book_set).for_each(db, |_| Ok(true));
        assert!(matches!(&refused, Err(Error::Usage { message }) if message.contains("prefetch_related")), "{refused:?}");
    }

    fn prefetch_through_an_explicit_join_model(db) {
        use relations::{club, person, Club, Membership, NewClub, NewMembership, NewPerson, Person};
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let ada = Person::objects().create(db, NewPerson::new().name("Ada"))?;
        let bo = Person::objects().create(db, NewPerson::new().name("Bo"))?;
        let chess = Club::objects().create(db, NewClub::new().name("Chess"))?;
        let go = Club::objects().create(db, NewClub::new().name("Go"))?;
        for (who, club) in [(&ada, &chess), (&bo, &chess), (&ada, &go)] {
            Membership::objects().create(db, NewMembership::new().person(who).club(club))?;
        }
        let clubs = Club::objects().prefetch_related(club::members).order_by([club::name.asc()]).all(db)?;
        let members: Vec<Vec<String>> = clubs
            .iter()
            .map(|c| names(loaded_many::<_, Person>(c, club::members.index()), |p| &p.name))
            .collect();
        assert_eq!(members, [vec!["Ada", "Bo"], vec!["Ada"]]);
        let in_go = Person::objects().filter(person::clubs.some(club::name.eq("Go"))).all(db)?;
        assert_eq!(names(&in_go, |p| &p.name), ["Ada"]);
        let everywhere = Person::objects().filter(person::clubs.every(club::name.ne("Go"))).all(db)?;
        assert_eq!(names(&everywhere, |p| &p.name), ["Bo"]);
    }

    fn n_plus_one_becomes_one_or_two_statements(db) {
        library::create_tables(db)?;
        for n in 0..100 {
            let writer = Writer::objects().create(db, NewWriter::new().name(format!("W{n:03}")))?;
            Book::objects().create(db, NewBook::new().title(format!("B{n:03}")).author(&writer))?;
        }
        let author_names = |books: &[Book], read: &dyn Fn(&Book) -> pookie::Result<String>| {
            books.iter().map(read).collect::<pookie::Result<Vec<String>>>()
        };

        let (naive, sent) = capture_queries(|| -> pookie::Result<Vec<String>> {
            let books = Book::objects().all(db)?;
            author_names(&books, &|book| Ok(Writer::get(db, book.author_id)?.name))
        });
        let naive = naive?;
        assert_eq!(sent.len(), 101);

        // The generated accessor reads what the query loaded, without a query.
        let (joined, sent) = capture_queries(|| -> pookie::Result<Vec<String>> {
            let books = Book::objects().select_related(book::author).all(db)?;
            author_names(&books, &|book| Ok(book.author(db)?.name.clone()))
        });
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(joined?, naive);

        let (prefetched, sent) = capture_queries(|| -> pookie::Result<Vec<String>> {
            let books = Book::objects().prefetch_related(book::author).all(db)?;
            author_names(&books, &|book| Ok(book.author(db)?.name.clone()))
        });
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert_eq!(prefetched?, naive);
    }

    fn prefetch_binds_an_array_on_postgres_and_chunks_key_lists_on_sqlite(db) {
        library::create_tables(db)?;
        // More writers than either backend binds parameters in one statement.
        let writers = 70_000;
        db.execute(
            &format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {writers}) \
                 INSERT INTO \"library_authors\" (\"name\") SELECT 'W' || i FROM n"
            ),
            &[],
        )?;
        let last = Writer::objects().order_by([writer::id.desc()]).first(db)?.expect("writers");
        Book::objects().create(db, NewBook::new().title("Last").author(&last))?;
        let (loaded, sent) = capture_queries(|| Writer::objects().prefetch_related(writer::book_set).all(db));
        let loaded = loaded?;
        assert_eq!(loaded.len(), writers);
        // PostgreSQL binds the keys as one array (`= ANY($1)`), SQLite lists
        // them (`IN (?, ?, …)`) in chunks it can bind.
        let prefetches = &sent[1..];
        match db.dialect() {
            pookie::Dialect::Postgres => {
                assert_eq!(prefetches.len(), 1, "{} statements", sent.len());
                assert!(prefetches[0].contains("\"author_id\" = ANY($1)"), "{}", prefetches[0]);
            }
            pookie::Dialect::Sqlite => {
                let max = db.dialect().max_parameters();
                assert_eq!(prefetches.len(), writers.div_ceil(max), "{} statements", sent.len());
                assert!(prefetches.iter().all(|sql| sql.contains("\"author_id\" IN (")));
            }
        }
        let with_books: Vec<&Writer> = loaded
            .iter()
            .filter(|w| !loaded_many::<_, Book>(*w, writer::book_set.index()).is_empty())
            .collect();
        assert_eq!(with_books.len(), 1);
        assert_eq!(with_books[0].id, last.id);
    }

    // djanorm's examples: books with their writer (and the writer's
    // publisher) in one query; writers with their `book_set`; articles with
    // their tags.
    fn djanorm_examples(db) {
        library(db)?;
        let books = Book::objects().select_related(book::author).all(db)?;
        for book in &books {
            let author: &Writer = loaded_one(book, book::author.index()).expect("joined");
            assert_eq!(author.id, book.author_id);
        }
        let books = Book::objects().select_related(book::author.then(writer::publisher)).all(db)?;
        let line: Vec<String> = books
            .iter()
            .map(|book| {
                let author: &Writer = loaded_one(book, book::author.index()).expect("joined");
                let publisher = loaded_one::<_, Publisher>(author, writer::publisher.index())
                    .map_or("-", |p| p.name.as_str());
                format!("{} by {} ({publisher})", book.title, author.name)
            })
            .collect();
        assert_eq!(line, [
            "Alpha by Ann (Penguin)",
            "Beta by Ann (Penguin)",
            "Delta by Ann (Penguin)",
            "Gamma by Ben (Orbit)",
        ]);
        let (writers, sent) = capture_queries(|| -> pookie::Result<Vec<(String, usize)>> {
            let writers = Writer::objects().prefetch_related(writer::book_set).all(db)?;
            Ok(writers
                .iter()
                .map(|w| (w.name.clone(), w.book_set().loaded().map_or(0, <[Book]>::len)))
                .collect())
        });
        assert_eq!(writers?, [("Ann".into(), 3), ("Ben".into(), 1), ("Cy".into(), 0)]);
        assert_eq!(sent.len(), 2);
        let (tags, sent) = capture_queries(|| -> pookie::Result<Vec<Vec<String>>> {
            let articles = Article::objects().prefetch_related(article::tags).all(db)?;
            Ok(articles
                .iter()
                .map(|a| names(a.tags().loaded().unwrap_or_default(), |t| &t.name))
                .collect())
        });
        assert_eq!(tags?, [vec!["rust", "sql"], vec!["go"], vec![]]);
        assert_eq!(sent.len(), 2);
        // Accessors on nested joined rows read them too, NULL keys included.
        let (line, sent) = capture_queries(|| -> pookie::Result<Vec<String>> {
            let writers = Writer::objects().select_related(writer::publisher).all(db)?;
            writers
                .iter()
                .map(|w| Ok(w.publisher(db)?.map_or("-".to_owned(), |p| p.name.clone())))
                .collect()
        });
        assert_eq!(line?, ["Penguin", "Orbit", "-"]);
        assert_eq!(sent.len(), 1, "{sent:?}");
    }
}
