//! Subqueries that read the enclosing row (`Subquery`, `Exists`, `OuterRef`)
//! and recursive common table expressions over a self-referencing foreign
//! key, on both backends: Django's `Subquery`/`Exists` examples, peewee's
//! subquery examples (a count per row, an update from a subquery, "the
//! categories whose parent is Electronics"), and an org chart walked down
//! and up.

#[macro_use]
mod support;

use pookie::{
    capture_queries, Coalesce, Count, Cte, Db, Dialect, Exists, Max, OuterRef, QuerySet, Subquery,
    Sum, F,
};

pub mod blog {
    pookie::include_models!("blog");
}
pub mod library {
    pookie::include_models!("library");
}
pub mod relations {
    pookie::include_models!("relations");
}
pub mod shop {
    pookie::include_models!("shop");
}

use blog::{author, post, Author, NewAuthor, NewPost, Post};
use relations::{employee, Employee, NewEmployee};

/// Ada wrote "a1" (10 views) and later "a2" (30 views), Bo wrote "b1" (5
/// views) between them, Cy wrote nothing.
fn blog(db: &Db) -> pookie::Result<()> {
    blog::create_tables(db)?;
    let mut authors = Vec::new();
    for name in ["Ada", "Bo", "Cy"] {
        let email = format!("{}@example.com", name.to_lowercase());
        authors.push(Author::objects().create(db, NewAuthor::new().name(name).email(email))?);
    }
    for (slug, by, views) in [("a1", 0, 10), ("b1", 1, 5), ("a2", 0, 30)] {
        Post::objects().create(
            db,
            NewPost::new()
                .title(format!("Post {slug}"))
                .slug(slug)
                .body("text")
                .author_id(authors[by].id)
                .view_count(views),
        )?;
    }
    Ok(())
}

fn by_name() -> QuerySet<Author> {
    Author::objects().order_by([author::name.asc()])
}

/// The author's posts: the correlation every blog test uses.
fn posts_of_the_author() -> pookie::Correlation<Post, Author> {
    OuterRef(author::id).eq(post::author_id)
}

fn names<T>(rows: &[(Author, T)]) -> Vec<&str> {
    rows.iter()
        .map(|(author, _)| author.name.as_str())
        .collect()
}

fn author_names(query: QuerySet<Author>, db: &Db) -> pookie::Result<Vec<String>> {
    query.values_list(author::name).all(db)
}

on_both_backends! {
    // Django: newest = Comment.objects.filter(post=OuterRef("pk")).order_by("-created_at")
    //         Post.objects.annotate(newest_commenter_email=Subquery(newest.values("email")[:1]))
    fn newest_post_per_author_through_an_ordered_and_sliced_subquery(db) {
        blog(db)?;
        let newest = Subquery::new(
            Post::objects()
                .order_by([post::created_at.desc(), post::id.desc()])
                .values_list(post::slug)
                .slice(..1),
            posts_of_the_author(),
        );
        let rows: Vec<(Author, Option<String>)> = by_name().annotate(newest.clone()).all(db)?;
        let got: Vec<(&str, Option<&str>)> = rows
            .iter()
            .map(|(author, slug)| (author.name.as_str(), slug.as_deref()))
            .collect();
        assert_eq!(got, [("Ada", Some("a2")), ("Bo", Some("b1")), ("Cy", None)]);

        // The same value in a projection, and as a sort key (NULL sorts
        // differently per backend, so the author without posts is left out).
        let pairs: Vec<(String, Option<String>)> = Author::objects()
            .filter(newest.clone().isnull(false))
            .order_by([newest.clone().desc()])
            .values_list((author::name, newest))
            .all(db)?;
        assert_eq!(
            pairs,
            [("Bo".into(), Some("b1".into())), ("Ada".into(), Some("a2".into()))]
        );
    }

    // Django: Post.objects.annotate(recent_comment=Exists(recent_comments)) and
    //         .filter(Exists(…)) / .filter(~Exists(…))
    fn authors_with_and_without_posts_through_exists(db) {
        blog(db)?;
        let has_posts = || Exists::new(Post::objects(), posts_of_the_author());
        assert_eq!(author_names(by_name().filter(has_posts()), db)?, ["Ada", "Bo"]);
        assert_eq!(author_names(by_name().filter(!has_posts()), db)?, ["Cy"]);
        assert_eq!(author_names(by_name().exclude(has_posts()), db)?, ["Cy"]);

        // Only popular posts count: a plain condition joins the correlation.
        let has_popular = Exists::new(
            Post::objects(),
            posts_of_the_author() & post::view_count.gte(10),
        );
        assert_eq!(author_names(by_name().filter(has_popular.clone()), db)?, ["Ada"]);

        let flagged: Vec<(Author, bool)> = by_name().annotate(has_popular).all(db)?;
        let got: Vec<(&str, bool)> = flagged.iter().map(|(a, flag)| (a.name.as_str(), *flag)).collect();
        assert_eq!(got, [("Ada", true), ("Bo", false), ("Cy", false)]);
    }

    // Django: Author.objects.annotate(post_count=Subquery(…Count…)); peewee:
    // subquery = Pet.select(fn.COUNT(Pet.id)).where(Pet.owner == Person.id)
    // Person.select(Person, subquery.alias('pet_count')).order_by(Person.name)
    fn a_count_of_related_rows_per_row(db) {
        blog(db)?;
        let post_count = || Subquery::count(Post::objects(), posts_of_the_author());
        let rows: Vec<(Author, i64)> = by_name().annotate(post_count()).all(db)?;
        let got: Vec<(&str, i64)> = rows.iter().map(|(a, n)| (a.name.as_str(), *n)).collect();
        assert_eq!(got, [("Ada", 2), ("Bo", 1), ("Cy", 0)]);
        assert_eq!(names(&rows), ["Ada", "Bo", "Cy"]);

        // In a filter, and with a filtered inner query.
        assert_eq!(author_names(by_name().filter(post_count().gte(2)), db)?, ["Ada"]);
        let popular = Subquery::count(
            Post::objects().filter(post::view_count.gt(7)),
            posts_of_the_author(),
        );
        let counted: Vec<(String, i64)> = by_name().values_list((author::name, popular)).all(db)?;
        assert_eq!(counted, [("Ada".into(), 2), ("Bo".into(), 0), ("Cy".into(), 0)]);

        // A sliced inner query set is counted as sliced.
        let first_post = Subquery::count(Post::objects().order_by([post::id.asc()]).slice(..1), posts_of_the_author());
        let firsts: Vec<(String, i64)> = by_name().values_list((author::name, first_post)).all(db)?;
        assert_eq!(firsts, [("Ada".into(), 1), ("Bo".into(), 1), ("Cy".into(), 0)]);

        // Any aggregate, through `values_list`: `None` where no row matched.
        let most_read = Subquery::new(Post::objects().values_list(Max(post::view_count)), posts_of_the_author());
        let maxima: Vec<(String, i32)> = by_name()
            .values_list((author::name, Coalesce(most_read, 0)))
            .all(db)?;
        assert_eq!(maxima, [("Ada".into(), 30), ("Bo".into(), 5), ("Cy".into(), 0)]);
    }

    fn subqueries_in_filters_in_and_comparisons(db) {
        blog(db)?;
        // IN a subquery that does not read the outer row.
        let read_authors = Subquery::uncorrelated(
            Post::objects().filter(post::view_count.gt(8)).values_list(post::author_id),
        );
        assert_eq!(author_names(by_name().filter(author::id.in_subquery(read_authors)), db)?, ["Ada"]);

        // IN a subquery of the same table that reads the outer row: each
        // author's most read post.
        let top_of_its_author = Subquery::new(
            Post::objects()
                .order_by([post::view_count.desc()])
                .values_list(post::id)
                .slice(..1),
            OuterRef(post::author_id).eq(post::author_id),
        );
        let tops: Vec<String> = Post::objects()
            .filter(post::id.in_subquery(top_of_its_author))
            .order_by([post::slug.asc()])
            .values_list(post::slug)
            .all(db)?;
        assert_eq!(tops, ["a2", "b1"]);

        // A column compared with a subquery's value.
        let most_read = Subquery::uncorrelated(Post::objects().values_list(Max(post::view_count)));
        let best: Vec<String> = Post::objects()
            .filter(F(post::view_count).eq(most_read))
            .values_list(post::slug)
            .all(db)?;
        assert_eq!(best, ["a2"]);
    }

    fn parameters_of_the_outer_and_inner_queries_bind_in_order(db) {
        blog(db)?;
        // Text and integer parameters interleave: outer, inner, outer, inner,
        // so a parameter bound at the wrong place fails or matches nothing.
        let popular = Subquery::count(
            Post::objects().filter(post::view_count.gt(7) & post::slug.ne("zz")),
            posts_of_the_author() & post::body.eq("text"),
        );
        let query = by_name()
            .filter(author::name.ne("Nobody"))
            .filter(popular.clone().gte(1))
            .filter(author::email.contains("@"))
            .values_list((author::name, popular));
        let (rows, queries) = capture_queries(|| query.all(db));
        assert_eq!(rows?, [("Ada".to_owned(), 2)]);
        if db.dialect() == Dialect::Postgres {
            let sql = &queries[0];
            let positions: Vec<usize> = (1..=9)
                .map(|n| sql.find(&format!("${n}")).unwrap_or_else(|| panic!("${n} in {sql}")))
                .collect();
            assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{sql}");
        }
    }

    fn nested_subqueries_read_their_own_enclosing_row(db) {
        blog(db)?;
        // Authors with a post that another of their posts outreads: the
        // innermost subquery reads the middle one's row, not the author's.
        let outread = Exists::new(
            Post::objects(),
            OuterRef(post::author_id).eq(post::author_id)
                & OuterRef(post::view_count).lt(post::view_count),
        );
        let has_outread_post = Exists::new(Post::objects().filter(outread), posts_of_the_author());
        assert_eq!(author_names(by_name().filter(has_outread_post), db)?, ["Ada"]);
    }

    fn a_named_cte_read_filtered_against_and_joined(db) {
        blog(db)?;
        let id_of = |name: &str| -> pookie::Result<i32> {
            Ok(Author::objects().get(db, author::name.eq(name))?.id)
        };
        let (ada, bo) = (id_of("Ada")?, id_of("Bo")?);
        let totals = Cte::new(
            "author_totals",
            post::author_id,
            Post::objects()
                .filter(post::slug.ne("zz"))
                .values_list((Count(post::id), Sum(post::view_count))),
        );
        let mut expected = vec![(ada, (2, Some(40))), (bo, (1, Some(5)))];
        expected.sort();
        assert_eq!(totals.all(db)?, expected);

        let with_totals = by_name().filter(author::email.contains("@") & author::id.in_cte(&totals));
        assert_eq!(author_names(with_totals, db)?, ["Ada", "Bo"]);
        assert_eq!(author_names(by_name().exclude(author::id.in_cte(&totals)), db)?, ["Cy"]);

        let joined = by_name()
            .filter(author::name.ne("Nobody"))
            .join_cte(author::id, &totals)
            .all(db)?;
        let got: Vec<(&str, (i64, Option<i64>))> =
            joined.iter().map(|(a, values)| (a.name.as_str(), *values)).collect();
        assert_eq!(got, [("Ada", (2, Some(40))), ("Bo", (1, Some(5)))]);
    }

    fn a_cte_written_in_sql_with_typed_columns(db) {
        blog(db)?;
        let ada = Author::objects().get(db, author::name.eq("Ada"))?.id;
        let busy: Cte<i32, (i64, String)> = Cte::raw(
            "busy",
            "SELECT author_id, COUNT(*), MAX(slug) FROM posts \
             WHERE view_count > $1 AND body = $2 AND slug <> '$1' GROUP BY author_id",
            vec![7.into(), "text".into()],
        )?;
        assert_eq!(busy.all(db)?, [(ada, (2, "a2".to_owned()))]);
        // Its parameters take their place among the statement's.
        let filtered = by_name().filter(author::name.ne("Zed") & author::id.in_cte(&busy));
        assert_eq!(author_names(filtered, db)?, ["Ada"]);
        let joined = by_name()
            .filter(author::email.contains("@"))
            .join_cte(author::id, &busy)
            .all(db)?;
        let got: Vec<(&str, &(i64, String))> =
            joined.iter().map(|(a, values)| (a.name.as_str(), values)).collect();
        assert_eq!(got, [("Ada", &(2, "a2".to_owned()))]);

        let unbound = Cte::<i32, i64>::raw("bad", "SELECT author_id, $2 FROM posts", vec![1.into()]);
        match unbound {
            Err(pookie::Error::Usage { message }) => {
                assert!(message.contains("`bad`") && message.contains("$2"), "{message}");
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    // peewee: subquery = Tweet.select(fn.COUNT(Tweet.id)).where(Tweet.user == User.id)
    //         User.update(num_tweets=subquery)
    fn an_update_sets_a_column_from_a_subquery(db) {
        use shop::{customer, Customer, NewCustomer};
        shop::create_tables(db)?;
        let new = |name: &str, by: Option<&Customer>| {
            let form = NewCustomer::new().name(name).email(format!("{name}@example.com"));
            let form = match by {
                Some(by) => form.referred_by(by),
                None => form,
            };
            Customer::objects().create(db, form)
        };
        let ann = new("Ann", None)?;
        let ben = new("Ben", Some(&ann))?;
        new("Cat", Some(&ann))?;
        new("Dan", Some(&ben))?;
        let referrals = Subquery::count(
            Customer::objects(),
            OuterRef(customer::id).eq(customer::referred_by_id),
        );
        let changed = Customer::objects().update(db, [customer::loyalty.set_expr(referrals)])?;
        assert_eq!(changed, 4);
        let loyalty: Vec<(String, i64)> = Customer::objects()
            .values_list((customer::name, customer::loyalty))
            .all(db)?;
        assert_eq!(
            loyalty,
            [("Ann".into(), 2), ("Ben".into(), 1), ("Cat".into(), 0), ("Dan".into(), 0)]
        );
    }
}

/// Ada leads Bo and Cy; Bo leads Di, who leads Ed; Cy leads Fay. Gus leads
/// no one and reports to no one.
fn org_chart(db: &Db) -> pookie::Result<()> {
    library::create_tables(db)?;
    relations::create_tables(db)?;
    let mut made: Vec<Employee> = Vec::new();
    for (name, boss) in [
        ("Ada", None),
        ("Bo", Some("Ada")),
        ("Cy", Some("Ada")),
        ("Di", Some("Bo")),
        ("Ed", Some("Di")),
        ("Fay", Some("Cy")),
        ("Gus", None),
    ] {
        let mut form = NewEmployee::new().name(name);
        if let Some(boss) = boss {
            form = form.reports_to(made.iter().find(|e| e.name == boss).expect("boss first"));
        }
        made.push(Employee::objects().create(db, form)?);
    }
    Ok(())
}

fn named(name: &str) -> QuerySet<Employee> {
    Employee::objects().filter(employee::name.eq(name))
}

fn with_depth(rows: Vec<(Employee, i64)>) -> Vec<(String, i64)> {
    rows.into_iter().map(|(e, depth)| (e.name, depth)).collect()
}

fn pairs(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    expected
        .iter()
        .map(|(name, depth)| (name.to_string(), *depth))
        .collect()
}

on_both_backends! {
    fn descendants_with_their_depth(db) {
        org_chart(db)?;
        let team = named("Ada").descendants(employee::reports_to).all(db)?;
        assert_eq!(
            with_depth(team),
            pairs(&[("Ada", 0), ("Bo", 1), ("Cy", 1), ("Di", 2), ("Fay", 2), ("Ed", 3)])
        );
        let below_bo = named("Bo").descendants(employee::reports_to).min_depth(1).all(db)?;
        assert_eq!(with_depth(below_bo), pairs(&[("Di", 1), ("Ed", 2)]));
        let leaf = named("Gus").descendants(employee::reports_to).all(db)?;
        assert_eq!(with_depth(leaf), pairs(&[("Gus", 0)]));
    }

    fn ancestors_are_the_path_to_the_root(db) {
        org_chart(db)?;
        let path = named("Ed").ancestors(employee::reports_to).all(db)?;
        assert_eq!(
            with_depth(path),
            pairs(&[("Ed", 0), ("Di", 1), ("Bo", 2), ("Ada", 3)])
        );
        let above = named("Fay").ancestors(employee::reports_to).min_depth(1).all(db)?;
        assert_eq!(with_depth(above), pairs(&[("Cy", 1), ("Ada", 2)]));
    }

    // peewee: the categories whose parent category is Electronics, with a
    // subquery; here as one step of the walk, and as a self-correlated Exists.
    fn the_direct_reports_of_one_row(db) {
        org_chart(db)?;
        let direct = named("Ada")
            .descendants(employee::reports_to)
            .min_depth(1)
            .max_depth(1)
            .all(db)?;
        assert_eq!(with_depth(direct), pairs(&[("Bo", 1), ("Cy", 1)]));

        let under_ada = Employee::objects().filter(Exists::new(
            named("Ada"),
            OuterRef(employee::reports_to_id).eq(employee::id),
        ));
        let names: Vec<String> = under_ada.values_list(employee::name).all(db)?;
        assert_eq!(names, ["Bo", "Cy"]);
        let managers = Employee::objects().filter(Exists::new(
            Employee::objects(),
            OuterRef(employee::id).eq(employee::reports_to_id),
        ));
        let names: Vec<String> = managers.values_list(employee::name).all(db)?;
        assert_eq!(names, ["Ada", "Bo", "Cy", "Di"]);
    }

    fn a_walk_filtered_ordered_and_bounded(db) {
        org_chart(db)?;
        let walk = named("Ada")
            .descendants(employee::reports_to)
            .max_depth(2)
            .filter(employee::name.ne("Cy"))
            .order_by([employee::name.desc()]);
        assert_eq!(
            with_depth(walk.all(db)?),
            pairs(&[("Fay", 2), ("Di", 2), ("Bo", 1), ("Ada", 0)])
        );
        // Several starting rows, from a sliced query set: the first two by name.
        let starts = Employee::objects().order_by([employee::name.asc()]).slice(..2);
        let both = starts.descendants(employee::reports_to).max_depth(1).all(db)?;
        assert_eq!(
            with_depth(both),
            pairs(&[("Ada", 0), ("Bo", 0), ("Bo", 1), ("Cy", 1), ("Di", 1)])
        );
    }

    // The walk's rows as a query set: counted, selected from, and filtered
    // against from another query.
    fn the_rows_of_a_walk_are_a_query_set(db) {
        org_chart(db)?;
        let team = named("Bo").descendants(employee::reports_to).query_set();
        assert_eq!(team.count(db)?, 3);
        let names: Vec<String> = team.clone().values_list(employee::name).all(db)?;
        assert_eq!(names, ["Bo", "Di", "Ed"]);

        // The employees whose manager is in Bo's team.
        let managed_in_team = Employee::objects()
            .filter(employee::reports_to_id.in_query(team.values_list(employee::id)));
        let names: Vec<String> = managed_in_team.values_list(employee::name).all(db)?;
        assert_eq!(names, ["Di", "Ed"]);

        let strict = named("Ada")
            .descendants(employee::reports_to)
            .min_depth(2)
            .query_set()
            .order_by([employee::name.asc()]);
        let names: Vec<String> = strict.values_list(employee::name).all(db)?;
        assert_eq!(names, ["Di", "Ed", "Fay"]);
    }

    fn a_cycle_in_the_data_ends_the_walk(db) {
        org_chart(db)?;
        // Ada now reports to Ed, four levels below her.
        let ed = Employee::objects().get(db, employee::name.eq("Ed"))?;
        named("Ada").update(db, [employee::reports_to_id.set(Some(ed.id))])?;
        let team = named("Di").descendants(employee::reports_to).all(db)?;
        assert_eq!(
            with_depth(team),
            pairs(&[
                ("Di", 0),
                ("Ed", 1),
                ("Ada", 2),
                ("Bo", 3),
                ("Cy", 3),
                ("Fay", 4),
            ])
        );
        let path = named("Bo").ancestors(employee::reports_to).all(db)?;
        assert_eq!(
            with_depth(path),
            pairs(&[("Bo", 0), ("Ada", 1), ("Ed", 2), ("Di", 3)])
        );
    }
}
