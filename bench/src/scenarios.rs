//! The scenarios of Diesel's benchmark suite, and the table of results.

use pookie::{Dialect, Model};

use crate::contenders::{
    Contender, DieselContender, NewUserData, PookieContender, RawContender, TallyData, Target,
};
use crate::harness::{compare, format_duration};
use crate::models::{Comment, Post, Tally, User};

/// The statements that (re)create the three tables, from Pookie's own DDL so
/// that every implementation works on identical tables.
pub(crate) fn schema_script(dialect: Dialect) -> String {
    let index = dialect.index();
    let mut script = String::new();
    for drop in [
        Tally::SQL[index].drop_table,
        Comment::SQL[index].drop_table,
        Post::SQL[index].drop_table,
        User::SQL[index].drop_table,
    ] {
        script.push_str(drop);
        script.push_str(";\n");
    }
    for create in [
        User::SQL[index].create_table,
        Post::SQL[index].create_table,
        Comment::SQL[index].create_table,
        Tally::SQL[index].create_table,
    ] {
        for statement in create {
            script.push_str(statement);
            script.push_str(";\n");
        }
    }
    script
}

/// Users in the associations scenario (diesel_bench: 100; 9 on SQLite only
/// because of an old limit on bound parameters that no longer applies).
const ASSOCIATED_USERS: usize = 100;

fn hair_color(index: usize) -> &'static str {
    if index.is_multiple_of(2) {
        "black"
    } else {
        "brown"
    }
}

/// `users` rows, and with `posts`, one post per user.
pub(crate) fn seed_script(users: usize, posts: bool) -> String {
    let mut script = String::new();
    for chunk_start in (0..users).step_by(500) {
        let rows: Vec<String> = (chunk_start..(chunk_start + 500).min(users))
            .map(|i| format!("('User {i}', '{}')", hair_color(i)))
            .collect();
        script.push_str(&format!(
            "INSERT INTO users (name, hair_color) VALUES {};\n",
            rows.join(", ")
        ));
        if posts {
            let rows: Vec<String> = (chunk_start..(chunk_start + 500).min(users))
                .map(|i| format!("({}, 'Post by user {i}', NULL)", i + 1))
                .collect();
            script.push_str(&format!(
                "INSERT INTO posts (user_id, title, body) VALUES {};\n",
                rows.join(", ")
            ));
        }
    }
    script
}

/// Users, posts and comments as in diesel_bench's associations benchmark:
/// `users` users with 10 posts each, each post with 10 comments.
fn associations_script(users: usize) -> String {
    let mut script = seed_script(users, false);
    let insert = |script: &mut String, sql: &str, rows: Vec<String>| {
        for chunk in rows.chunks(500) {
            script.push_str(sql);
            script.push_str(&chunk.join(", "));
            script.push_str(";\n");
        }
    };
    let posts: Vec<String> = (1..=users)
        .flat_map(|user| (0..10).map(move |i| format!("({user}, 'Post {i} by user {user}', NULL)")))
        .collect();
    let post_count = posts.len();
    insert(
        &mut script,
        "INSERT INTO posts (user_id, title, body) VALUES ",
        posts,
    );
    let comments: Vec<String> = (1..=post_count)
        .flat_map(|post| (0..10).map(move |i| format!("({post}, 'Comment {i} on post {post}')")))
        .collect();
    insert(
        &mut script,
        "INSERT INTO comments (post_id, text) VALUES ",
        comments,
    );
    script
}

/// Rows of the upsert scenario.
const TALLIES: usize = 100;

/// The stored tallies the upsert scenario starts from: every key it proposes.
fn tallies_script() -> String {
    let rows: Vec<String> = (0..TALLIES).map(|i| format!("('key {i}', 0)")).collect();
    format!(
        "INSERT INTO tallies (key, count) VALUES {};\n",
        rows.join(", ")
    )
}

/// The proposed tallies: the stored keys with new counts.
fn proposed_tallies() -> Vec<TallyData> {
    (0..TALLIES)
        .map(|i| (format!("key {i}"), i as i32 + 1))
        .collect()
}

pub(crate) fn new_users(count: usize) -> Vec<NewUserData> {
    (0..count)
        .map(|i| (format!("New user {i}"), Some(hair_color(i).to_owned())))
        .collect()
}

struct Results {
    title: String,
    names: Vec<&'static str>,
    rows: Vec<(String, Vec<Option<std::time::Duration>>)>,
}

impl Results {
    fn print(&self) {
        println!(
            "\n{}: median time per operation, {} implementations interleaved",
            self.title,
            self.names.len()
        );
        print!("{:<44}", "scenario");
        for name in &self.names {
            print!("{name:>12}");
        }
        println!("{:>13}{:>15}", "pookie/raw", "pookie/diesel");
        for (scenario, times) in &self.rows {
            print!("{scenario:<44}");
            for time in times {
                print!(
                    "{:>12}",
                    time.map_or_else(|| "n/a".to_owned(), format_duration)
                );
            }
            let ratio =
                |a: Option<std::time::Duration>, b: Option<std::time::Duration>| match (a, b) {
                    (Some(a), Some(b)) => format!("{:.3}", a.as_secs_f64() / b.as_secs_f64()),
                    _ => "n/a".to_owned(),
                };
            println!(
                "{:>13}{:>15}",
                ratio(times[1], times[0]),
                ratio(times[1], times[2])
            );
        }
    }
}

/// Runs every scenario on SQLite in memory.
pub fn run_all(title: &str, target: &Target, rounds: usize, only: Option<&str>) {
    let mut contenders: Vec<Box<dyn Contender>> = vec![
        Box::new(RawContender::new(target)),
        Box::new(PookieContender::new(target)),
        Box::new(DieselContender::new(target)),
    ];
    run_scenarios(title, Dialect::Sqlite, &mut contenders, rounds, only);
}

/// Runs every scenario on PostgreSQL, each implementation in a schema of its own.
pub fn run_all_on_postgres(target: impl Fn(&str) -> Target, rounds: usize, only: Option<&str>) {
    let mut contenders: Vec<Box<dyn Contender>> = vec![
        Box::new(RawContender::new(&target("raw"))),
        Box::new(PookieContender::new(&target("pookie"))),
        Box::new(DieselContender::new(&target("diesel"))),
    ];
    run_scenarios(
        "PostgreSQL (local server)",
        Dialect::Postgres,
        &mut contenders,
        rounds,
        only,
    );
}

fn run_scenarios(
    title: &str,
    dialect: Dialect,
    contenders: &mut [Box<dyn Contender>],
    rounds: usize,
    only: Option<&str>,
) {
    let wanted = |name: &str| only.is_none_or(|only| name.contains(only));
    // POOKIE_BENCH_IMPLEMENTATION=pookie runs one implementation alone (for profiling).
    let alone = std::env::var("POOKIE_BENCH_IMPLEMENTATION").ok();
    let all: Vec<bool> = contenders
        .iter()
        .map(|c| alone.as_deref().is_none_or(|name| name == c.name()))
        .collect();
    let mut results = Results {
        title: title.to_owned(),
        names: contenders.iter().map(|c| c.name()).collect(),
        rows: Vec::new(),
    };
    let schema = schema_script(dialect);
    let reset = |contenders: &mut [Box<dyn Contender>], seed: &str| {
        for contender in contenders.iter_mut() {
            contender.run_script(&schema);
            if !seed.is_empty() {
                contender.run_script(seed);
            }
        }
    };

    for size in [1, 100, 10_000] {
        let name = format!("trivial query, {size} rows");
        if !wanted(&name) {
            continue;
        }
        reset(contenders, &seed_script(size, false));
        let times = compare(
            contenders,
            &all,
            rounds,
            |c, i| assert_eq!(c[i].all_users(), size),
            |_, _| {},
        );
        results.rows.push((name, times));
    }

    if wanted("get by primary key, 10000 rows") {
        reset(contenders, &seed_script(10_000, false));
        let mut next_id = vec![0i32; all.len()];
        let times = compare(
            contenders,
            &all,
            rounds,
            |c, i| {
                next_id[i] = next_id[i] % 10_000 + 1;
                c[i].user_by_id(next_id[i]);
            },
            |_, _| {},
        );
        results
            .rows
            .push(("get by primary key, 10000 rows".to_owned(), times));
    }

    for size in [1, 10_000] {
        let name = format!("medium query, {size} users");
        if !wanted(&name) {
            continue;
        }
        reset(contenders, &seed_script(size, true));
        let supported: Vec<bool> = contenders
            .iter_mut()
            .zip(&all)
            .map(|(c, taking_part)| *taking_part && c.users_with_posts("black").is_some())
            .collect();
        // Every other user is black-haired, and every user has one post.
        let pairs = size.div_ceil(2);
        let times = compare(
            contenders,
            &supported,
            rounds,
            |c, i| assert_eq!(c[i].users_with_posts("black"), Some(pairs)),
            |_, _| {},
        );
        results.rows.push((name, times));
    }

    for size in [1, 10_000] {
        let name = format!("medium query, inner join, {size} users");
        if !wanted(&name) {
            continue;
        }
        reset(contenders, &seed_script(size, true));
        let supported: Vec<bool> = contenders
            .iter_mut()
            .zip(&all)
            .map(|(c, taking_part)| *taking_part && c.posts_with_users("black").is_some())
            .collect();
        let posts = size.div_ceil(2);
        let times = compare(
            contenders,
            &supported,
            rounds,
            |c, i| assert_eq!(c[i].posts_with_users("black"), Some(posts)),
            |_, _| {},
        );
        results.rows.push((name, times));
    }

    for size in [1, 100] {
        let name = format!("insert, {size} users in one INSERT");
        if !wanted(&name) {
            continue;
        }
        let users = new_users(size);
        reset(contenders, "");
        let supported: Vec<bool> = contenders
            .iter_mut()
            .zip(&all)
            .map(|(c, taking_part)| *taking_part && c.insert_users(&users).is_some())
            .collect();
        let times = compare(
            contenders,
            &supported,
            rounds,
            |c, i| {
                c[i].insert_users(&users);
            },
            |c, i| c[i].run_script("DELETE FROM users"),
        );
        results.rows.push((name, times));
    }

    let users = new_users(10_000);
    if wanted("bulk insert, 10000 users in one transaction") {
        reset(contenders, "");
        let times = compare(
            contenders,
            &all,
            rounds,
            |c, i| c[i].bulk_insert_in_transaction(&users),
            |c, i| c[i].run_script("DELETE FROM users"),
        );
        results.rows.push((
            "bulk insert, 10000 users in one transaction".to_owned(),
            times,
        ));
    }
    if wanted("10000 single-row inserts in one transaction") {
        reset(contenders, "");
        let times = compare(
            contenders,
            &all,
            rounds,
            |c, i| c[i].insert_users_in_transaction(&users),
            |c, i| c[i].run_script("DELETE FROM users"),
        );
        results.rows.push((
            "10000 single-row inserts in one transaction".to_owned(),
            times,
        ));
    }

    let name = format!("upsert, {TALLIES} stored keys in one statement");
    if wanted(&name) {
        // Every key is stored already, so every run does the same work: each
        // row conflicts, is updated and comes back.
        reset(contenders, &tallies_script());
        let tallies = proposed_tallies();
        let times = compare(
            contenders,
            &all,
            rounds,
            |c, i| assert_eq!(c[i].upsert_tallies(&tallies), TALLIES),
            |_, _| {},
        );
        results.rows.push((name, times));
    }

    if wanted("loading associations, 100 users") {
        reset(contenders, &associations_script(ASSOCIATED_USERS));
        let supported: Vec<bool> = contenders
            .iter_mut()
            .zip(&all)
            .map(|(c, taking_part)| *taking_part && c.users_posts_comments().is_some())
            .collect();
        let times = compare(
            contenders,
            &supported,
            rounds,
            |c, i| assert_eq!(c[i].users_posts_comments(), Some(ASSOCIATED_USERS * 100)),
            |_, _| {},
        );
        results
            .rows
            .push(("loading associations, 100 users".to_owned(), times));
    }

    results.print();
    if alone.is_some() {
        println!("n/a: not run (POOKIE_BENCH_IMPLEMENTATION names another implementation).");
    }
}
