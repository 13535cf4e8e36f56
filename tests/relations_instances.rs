//! Relations read and changed through instances (`post.author(&db)`,
//! `author.posts()`, `post.tags().add(…)`), and what deleting a row does to
//! the rows pointing at it, on SQLite and on PostgreSQL.

#[macro_use]
mod support;

use pookie::{Db, Dialect, Error, OnDelete};

pub mod blog {
    pookie::include_models!("blog");
}
pub mod library {
    pookie::include_models!("library");
}
pub mod relations {
    pookie::include_models!("relations");
}

use blog::{
    author, post, Author, NewAuthor, NewPost, NewTag, NewUserProfile, Post, Tag, UserProfile,
};
use relations::{
    cascade_item, membership, owner, set_default_item, set_null_item, Address, CascadeItem, Club,
    DoNothingItem, Membership, NewAddress, NewCascadeItem, NewClub, NewDoNothingItem,
    NewMembership, NewOwner, NewPerson, NewProtectItem, NewRestrictItem, NewSetDefaultItem,
    NewSetNullItem, NewShipment, Owner, Person, ProtectItem, RestrictItem, SetDefaultItem,
    SetNullItem, Shipment,
};

fn author(db: &Db, name: &str) -> pookie::Result<Author> {
    let email = format!("{}@example.com", name.to_lowercase());
    Author::objects().create(db, NewAuthor::new().name(name).email(email))
}

fn tag(db: &Db, name: &str) -> pookie::Result<Tag> {
    Tag::objects().create(db, NewTag::new().name(name).slug(name.to_lowercase()))
}

fn post_by(db: &Db, author: &Author, slug: &str, published: bool) -> pookie::Result<Post> {
    Post::objects().create(
        db,
        NewPost::new()
            .title(format!("Post {slug}"))
            .slug(slug)
            .body("text")
            .author(author)
            .published(published),
    )
}

fn names(tags: &[Tag]) -> Vec<&str> {
    let mut names: Vec<&str> = tags.iter().map(|tag| tag.name.as_str()).collect();
    names.sort_unstable();
    names
}

fn owner_named(db: &Db, name: &str) -> pookie::Result<Owner> {
    Owner::objects().create(db, NewOwner::new().name(name))
}

on_both_backends! {
    fn a_foreign_key_is_read_through_its_instance(db) {
        blog::create_tables(db)?;
        let grace = author(db, "Grace")?;
        let bob = author(db, "Bob")?;
        let by_instance = post_by(db, &grace, "first", true)?;
        let by_id = Post::objects().create(
            db,
            NewPost::new().title("Second").slug("second").body("text").author_id(grace.id),
        )?;
        assert_eq!(by_instance.author_id, grace.id);
        assert_eq!(by_instance.author(db)?.name, "Grace");
        assert_eq!(by_id.author(db)?.email, "grace@example.com");

        // A key changed after reading points at the new row.
        let mut moved = by_id.clone();
        moved.author_id = bob.id;
        assert_eq!(moved.author(db)?.name, "Bob");
        // A key pointing at no row is DoesNotExist.
        moved.author_id = bob.id + 1000;
        assert!(moved.author(db).unwrap_err().is_does_not_exist());
    }

    fn a_reverse_foreign_key_lists_the_rows_pointing_at_an_instance(db) {
        blog::create_tables(db)?;
        let grace = author(db, "Grace")?;
        let bob = author(db, "Bob")?;
        post_by(db, &grace, "a", true)?;
        post_by(db, &grace, "b", false)?;
        post_by(db, &bob, "c", true)?;

        assert_eq!(grace.posts().count(db)?, 2);
        assert_eq!(grace.posts().filter(post::published.eq(true)).count(db)?, 1);
        assert_eq!(grace.posts().exclude(post::published.eq(true)).all(db)?[0].slug, "b");
        let slugs: Vec<String> = grace
            .posts()
            .order_by([post::slug.desc()])
            .all(db)?
            .into_iter()
            .map(|post| post.slug)
            .collect();
        assert_eq!(slugs, ["b", "a"]);
        assert!(grace.posts().all(db)?.iter().all(|post| post.author_id == grace.id));
        assert!(grace.posts().exists(db)?);
        assert!(grace.posts().first(db)?.is_some());
        assert!(grace.posts().loaded().is_none());
        assert_eq!(grace.posts().query().count(db)?, 2);

        let nobody = author(db, "Nobody")?;
        assert_eq!(nobody.posts().count(db)?, 0);
        assert!(!nobody.posts().exists(db)?);
        assert!(nobody.posts().first(db)?.is_none());
        assert!(nobody.posts().all(db)?.is_empty());
    }

    fn prefetched_rows_answer_without_the_database(db) {
        blog::create_tables(db)?;
        let grace = author(db, "Grace")?;
        let post = post_by(db, &grace, "a", true)?;
        let mut cached = grace.clone();
        let relation = author::posts.index();
        cached.__loaded.insert(relation, vec![post.clone()]);
        // Deleting the row shows the prefetched rows are a snapshot.
        Post::objects().delete(db)?;
        assert_eq!(cached.posts().count(db)?, 1);
        assert_eq!(cached.posts().all(db)?, vec![post.clone()]);
        assert_eq!(cached.posts().loaded().map(<[Post]>::len), Some(1));
        assert_eq!(cached.posts().query().count(db)?, 0);

        let mut with_author = post.clone();
        with_author.__loaded.insert(post::author.index(), Some(grace.clone()));
        Author::objects().delete(db)?;
        assert!(matches!(with_author.author(db)?, std::borrow::Cow::Borrowed(a) if a.name == "Grace"));
        // A key changed since loading is not answered from the stale row.
        with_author.author_id += 1;
        assert!(with_author.author(db).unwrap_err().is_does_not_exist());

        // refresh_from_db forgets what was loaded.
        let mut refreshed = author(db, "Ada")?;
        refreshed.__loaded.insert(relation, Vec::<Post>::new());
        refreshed.refresh_from_db(db)?;
        assert!(refreshed.posts().loaded().is_none());
    }

    fn many_to_many_links_are_added_removed_set_and_cleared(db) {
        blog::create_tables(db)?;
        let grace = author(db, "Grace")?;
        let post = post_by(db, &grace, "a", true)?;
        let other = post_by(db, &grace, "b", true)?;
        let rust = tag(db, "Rust")?;
        let orm = tag(db, "ORM")?;
        let sql = tag(db, "SQL")?;

        assert_eq!(post.tags().count(db)?, 0);
        assert_eq!(post.tags().add(db, &[&rust, &orm])?, 2);
        // Adding twice is ignored, even within one call.
        assert_eq!(post.tags().add(db, &[&rust, &rust])?, 0);
        assert_eq!(names(&post.tags().all(db)?), ["ORM", "Rust"]);
        assert_eq!(post.tags().count(db)?, 2);
        assert!(post.tags().exists(db)?);
        assert_eq!(post.tags().first(db)?.map(|t| t.name), Some("ORM".to_owned()));
        assert_eq!(post.tags().filter(blog::tag::name.eq("Rust")).count(db)?, 1);

        // The reverse side reads the same join table.
        other.tags().add(db, &[&rust])?;
        let mut posts: Vec<String> = rust.posts().all(db)?.into_iter().map(|p| p.slug).collect();
        posts.sort();
        assert_eq!(posts, ["a", "b"]);
        assert_eq!(orm.posts().count(db)?, 1);
        assert_eq!(sql.posts().count(db)?, 0);

        assert_eq!(post.tags().remove(db, &[&orm, &sql])?, 1);
        assert_eq!(names(&post.tags().all(db)?), ["Rust"]);

        post.tags().set(db, &[&orm, &sql])?;
        assert_eq!(names(&post.tags().all(db)?), ["ORM", "SQL"]);
        post.tags().set(db, &[&sql])?;
        assert_eq!(names(&post.tags().all(db)?), ["SQL"]);
        post.tags().set(db, &[])?;
        assert_eq!(post.tags().count(db)?, 0);

        post.tags().add_keys(db, &[rust.id, orm.id])?;
        assert_eq!(post.tags().count(db)?, 2);
        assert_eq!(post.tags().remove_keys(db, &[rust.id])?, 1);
        assert_eq!(post.tags().clear(db)?, 1);
        assert_eq!(post.tags().count(db)?, 0);
        // The other post's links stay.
        assert_eq!(other.tags().count(db)?, 1);

        // A link to a row that does not exist is refused by the database.
        let error = post.tags().add_keys(db, &[sql.id + 1000]).unwrap_err();
        assert!(matches!(error, Error::Integrity { .. }), "{error}");

        // Deleting a post removes its links, not the tags.
        other.delete(db)?;
        assert_eq!(rust.posts().count(db)?, 0);
        assert_eq!(Tag::objects().count(db)?, 3);
    }

    fn a_one_to_one_is_read_from_both_sides(db) {
        blog::create_tables(db)?;
        let grace = author(db, "Grace")?;
        let bob = author(db, "Bob")?;
        let profile = UserProfile::objects().create(
            db,
            NewUserProfile::new().author(&grace).avatar("https://example.com/grace.png"),
        )?;
        assert_eq!(profile.author(db)?.name, "Grace");
        assert_eq!(grace.user_profile(db)?.id, profile.id);
        assert_eq!(
            grace.user_profile(db)?.avatar.as_deref(),
            Some("https://example.com/grace.png")
        );
        let missing = bob.user_profile(db).unwrap_err();
        assert!(missing.is_does_not_exist(), "{missing}");
        assert!(missing.to_string().contains("UserProfile"), "{missing}");

        // One profile per author.
        let twice = UserProfile::objects()
            .create(db, NewUserProfile::new().author_id(grace.id))
            .unwrap_err();
        assert!(matches!(twice, Error::Integrity { .. } | Error::Validation(_)), "{twice}");

        // A loaded "none" answers without a query.
        let mut known = bob.clone();
        known.__loaded.insert(author::user_profile.index(), None::<UserProfile>);
        UserProfile::objects().create(db, NewUserProfile::new().author(&bob))?;
        assert!(known.user_profile(db).unwrap_err().is_does_not_exist());
        assert!(bob.user_profile(db).is_ok());
    }

    fn a_through_model_joins_people_and_clubs(db) {
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let chess = Club::objects().create(db, NewClub::new().name("Chess"))?;
        let choir = Club::objects().create(db, NewClub::new().name("Choir"))?;
        let ada = Person::objects().create(db, NewPerson::new().name("Ada"))?;
        let bo = Person::objects().create(db, NewPerson::new().name("Bo"))?;
        let cy = Person::objects().create(db, NewPerson::new().name("Cy"))?;
        Membership::objects().create(db, NewMembership::new().person(&ada).club(&chess).role("captain"))?;
        Membership::objects().create(db, NewMembership::new().person(&bo).club(&chess))?;
        Membership::objects().create(db, NewMembership::new().person(&ada).club(&choir))?;

        let members: Vec<String> = chess.members().all(db)?.into_iter().map(|p| p.name).collect();
        assert_eq!(members, ["Ada", "Bo"]);
        let mut clubs: Vec<String> = ada.clubs().all(db)?.into_iter().map(|c| c.name).collect();
        clubs.sort();
        assert_eq!(clubs, ["Chess", "Choir"]);
        assert_eq!(cy.clubs().count(db)?, 0);

        // `add` writes the two keys; the role takes its database default.
        assert_eq!(chess.members().add(db, &[&cy, &ada])?, 1);
        let roles: Vec<(i32, String)> = Membership::objects()
            .filter(membership::club_id.eq(chess.id))
            .order_by([membership::person_id.asc()])
            .all(db)?
            .into_iter()
            .map(|m| (m.person_id, m.role))
            .collect();
        assert_eq!(
            roles,
            [(ada.id, "captain".to_owned()), (bo.id, "member".to_owned()), (cy.id, "member".to_owned())]
        );
        // `set` keeps the links that stay, with their extra columns.
        chess.members().set(db, &[&ada, &cy])?;
        let captain = Membership::objects().get(
            db,
            membership::club_id.eq(chess.id) & membership::person_id.eq(ada.id),
        )?;
        assert_eq!(captain.role, "captain");
        assert_eq!(chess.members().count(db)?, 2);
        assert_eq!(ada.membership_set().count(db)?, 2);
        assert_eq!(bo.clubs().count(db)?, 0);

        // Deleting a person deletes their memberships.
        ada.delete(db)?;
        assert_eq!(Membership::objects().count(db)?, 1);
    }

    fn on_delete_cascade_set_null_and_set_default(db) {
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let fallback = owner_named(db, "fallback")?;
        assert_eq!(fallback.id, 1, "SET_DEFAULT points at owner 1");
        for by_query in [false, true] {
            let gone = owner_named(db, "gone")?;
            let cascade = CascadeItem::objects().create(db, NewCascadeItem::new().owner(&gone))?;
            let set_null = SetNullItem::objects().create(db, NewSetNullItem::new().owner(&gone))?;
            let set_default =
                SetDefaultItem::objects().create(db, NewSetDefaultItem::new().owner(&gone))?;
            assert_eq!(gone.cascade_items().count(db)?, 1);
            if by_query {
                assert_eq!(Owner::objects().filter(owner::name.eq("gone")).delete(db)?, 1);
            } else {
                gone.delete(db)?;
            }
            assert!(!CascadeItem::objects().filter(cascade_item::id.eq(cascade.id)).exists(db)?);
            let set_null = SetNullItem::objects().get(db, set_null_item::id.eq(set_null.id))?;
            assert_eq!(set_null.owner_id, None);
            assert!(set_null.owner(db)?.is_none());
            let set_default =
                SetDefaultItem::objects().get(db, set_default_item::id.eq(set_default.id))?;
            assert_eq!(set_default.owner_id, fallback.id);
            assert_eq!(set_default.owner(db)?.name, "fallback");
        }
    }

    fn on_delete_protect_names_the_rows_in_the_way(db) {
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let kept = owner_named(db, "kept")?;
        let first = ProtectItem::objects().create(db, NewProtectItem::new().owner(&kept))?;
        let second = ProtectItem::objects().create(db, NewProtectItem::new().owner(&kept))?;
        // Rows that would cascade go nowhere either.
        CascadeItem::objects().create(db, NewCascadeItem::new().owner(&kept))?;
        let free = owner_named(db, "free")?;

        for error in [
            kept.delete(db).unwrap_err(),
            Owner::objects().delete(db).unwrap_err(),
        ] {
            let Error::Protected { model, blockers } = &error else {
                panic!("expected Error::Protected, got {error}");
            };
            assert_eq!(*model, "Owner");
            assert_eq!(blockers.len(), 1);
            assert_eq!(blockers[0].model, "ProtectItem");
            assert_eq!(blockers[0].field, "owner");
            assert_eq!(blockers[0].on_delete, OnDelete::Protect);
            assert_eq!(blockers[0].count, 2);
            assert_eq!(blockers[0].keys, [first.id.to_string(), second.id.to_string()]);
            assert_eq!(
                error.to_string(),
                format!(
                    "cannot delete Owner: 2 ProtectItem rows point at Owner through `owner` \
                     with on_delete = PROTECT (id {}, {}); delete or reassign them first",
                    first.id, second.id
                )
            );
        }
        assert_eq!(Owner::objects().count(db)?, 2);
        assert_eq!(CascadeItem::objects().count(db)?, 1);

        // Owners nothing protects are deleted, within the same query set too.
        assert_eq!(Owner::objects().filter(owner::name.eq("free")).delete(db)?, 1);
        let _ = free;
        ProtectItem::objects().delete(db)?;
        kept.delete(db)?;
        assert_eq!(Owner::objects().count(db)?, 0);
        assert_eq!(CascadeItem::objects().count(db)?, 0);
    }

    fn protect_lists_every_relation_in_the_way(db) {
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let home = Address::objects().create(db, NewAddress::new().city("Kampala"))?;
        let office = Address::objects().create(db, NewAddress::new().city("Nairobi"))?;
        let unused = Address::objects().create(db, NewAddress::new().city("Lagos"))?;
        let shipment = Shipment::objects().create(
            db,
            NewShipment::new().reference("S-1").bill_to(&home).ship_to(&home),
        )?;
        Shipment::objects().create(
            db,
            NewShipment::new().reference("S-2").bill_to(&office).ship_to(&home),
        )?;
        let error = home.delete(db).unwrap_err();
        let blockers = error.blockers().expect("Error::Protected");
        let summary: Vec<(&str, u64)> = blockers.iter().map(|b| (b.field, b.count)).collect();
        assert_eq!(summary, [("bill_to", 1), ("ship_to", 2)]);
        assert_eq!(blockers[0].keys, [shipment.id.to_string()]);
        let message = error.to_string();
        assert!(message.contains("through `bill_to`") && message.contains("through `ship_to`"), "{message}");

        // A query set naming a protected row among free ones deletes none of them.
        let error = Address::objects().delete(db).unwrap_err();
        assert!(matches!(error, Error::Protected { .. }), "{error}");
        assert_eq!(Address::objects().count(db)?, 3);
        unused.delete(db)?;
        assert_eq!(Address::objects().count(db)?, 2);
    }

    fn on_delete_restrict_and_do_nothing_are_refused_by_the_database(db) {
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let restricted = owner_named(db, "restricted")?;
        let item = RestrictItem::objects().create(db, NewRestrictItem::new().owner(&restricted))?;
        let watched = owner_named(db, "watched")?;
        let other = DoNothingItem::objects().create(db, NewDoNothingItem::new().owner(&watched))?;

        let cases = [
            (restricted.delete(db).unwrap_err(), "RestrictItem", "restrict_items", item.id),
            (
                Owner::objects().filter(owner::name.eq("restricted")).delete(db).unwrap_err(),
                "RestrictItem",
                "restrict_items",
                item.id,
            ),
            (watched.delete(db).unwrap_err(), "DoNothingItem", "do_nothing_items", other.id),
            (
                Owner::objects().filter(owner::name.eq("watched")).delete(db).unwrap_err(),
                "DoNothingItem",
                "do_nothing_items",
                other.id,
            ),
        ];
        for (error, model, table, id) in cases {
            let Error::Integrity { message, .. } = &error else {
                panic!("expected an integrity error, got {error}");
            };
            match db.dialect() {
                // SQLite names no table: the runtime finds the rows.
                Dialect::Sqlite => assert!(
                    message.contains(&format!("1 {model} row points at Owner through `owner`"))
                        && message.contains(&format!("(id {id})")),
                    "{message}"
                ),
                Dialect::Postgres => assert!(message.contains(table), "{message}"),
            }
        }
        assert_eq!(Owner::objects().count(db)?, 2);
        RestrictItem::objects().delete(db)?;
        DoNothingItem::objects().delete(db)?;
        assert_eq!(Owner::objects().delete(db)?, 2);
    }

    fn related_rows_across_schema_files(db) {
        library::create_tables(db)?;
        relations::create_tables(db)?;
        let writer = library::Writer::objects().create(db, library::NewWriter::new().name("Okot"))?;
        relations::WriterRating::objects()
            .create(db, relations::NewWriterRating::new().writer(&writer).stars(5))?;
        assert_eq!(writer.ratings().count(db)?, 1);
        let rating = writer.ratings().first(db)?.expect("a rating");
        assert_eq!(rating.writer(db)?.name, "Okot");
        writer.delete(db)?;
        assert_eq!(relations::WriterRating::objects().count(db)?, 0);
    }
}
