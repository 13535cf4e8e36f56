//! The PookieDB blog as a JSON API: axum on tokio, with Pookie's awaited API.
//!
//! ```text
//! cargo run --example blog_service                     # SQLite: blog_service.sqlite3
//! DATABASE_URL=postgresql://postgres@127.0.0.1/blog cargo run --example blog_service
//! curl -s localhost:3000/posts
//! curl -s -X POST localhost:3000/authors -H 'content-type: application/json' \
//!      -d '{"name": "Grace", "email": "grace@blog.ug"}'
//! ```
//!
//! It applies the blog's migrations (embedded at build time) and serves:
//!
//! | route                         | what                                         |
//! |-------------------------------|----------------------------------------------|
//! | `GET /authors`                | authors, with how many posts each wrote      |
//! | `POST /authors`               | `{"name", "email", "bio"?}` → the new author |
//! | `GET /posts?tag=rust`         | published posts, most read first             |
//! | `POST /posts`                 | `{"author_id", "title", "slug", "body", "tags"?}` |
//! | `GET /posts/{slug}`           | one post, counting the view                  |
//! | `POST /posts/{slug}/publish`  | publishes a draft                            |
//! | `DELETE /posts/{slug}`        | deletes a post                               |
//!
//! `LISTEN` sets the address (default `127.0.0.1:3000`; port 0 picks a free
//! one); the first line printed is `listening on http://<address>`. Every
//! request gets at most `REQUEST_TIMEOUT_MS` (default 5,000) milliseconds:
//! a request cut off mid-transaction rolls back, and its connection goes back
//! to the pool clean.

use std::process::ExitCode;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pookie::serde_json::{json, Value};
use pookie::{AsyncDb, AsyncInsert, AsyncModel, Error, OuterRef, Subquery, F};
use serde::Deserialize;

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{author, post, tag, Author, NewAuthor, NewPost, Post, Tag};

/// The blog's migrations, compiled into the program by `build.rs`.
pub fn migrations() -> pookie::migrate::Migrations {
    pookie::migrate::Migrations::embedded(include!(concat!(
        env!("OUT_DIR"),
        "/blog/pookie_migrations.rs"
    )))
}

#[tokio::main]
async fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "sqlite:///blog_service.sqlite3".to_owned());
    let address = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let timeout = std::env::var("REQUEST_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(5), Duration::from_millis);
    match run(&url, &address, timeout).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    url: &str,
    address: &str,
    timeout: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let adb = AsyncDb::connect(url).await?;
    for name in adb.migrate(migrations()).await? {
        eprintln!("applied migration {name}");
    }
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(adb, timeout)).await?;
    Ok(())
}

/// The service's routes over `adb`; each request is cut off after `timeout`.
pub fn app(adb: AsyncDb, timeout: Duration) -> Router {
    Router::new()
        .route("/authors", get(list_authors).post(create_author))
        .route("/posts", get(list_posts).post(create_post))
        .route("/posts/{slug}", get(show_post).delete(delete_post))
        .route("/posts/{slug}/publish", post(publish_post))
        .layer(axum::middleware::from_fn(
            move |request, next: axum::middleware::Next| async move {
                match tokio::time::timeout(timeout, next.run(request)).await {
                    Ok(response) => response,
                    // Dropping the handler's future rolls back its transaction.
                    Err(_) => ApiError(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "the request took too long".into(),
                    )
                    .into_response(),
                }
            },
        ))
        .with_state(adb)
}

/// An error answer: a status and a message, as `{"error": "…"}`.
pub struct ApiError(StatusCode, String);

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let status = match &error {
            Error::DoesNotExist { .. } => StatusCode::NOT_FOUND,
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Integrity { .. } => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        // Pookie's messages never carry a password or a looked-up value.
        ApiError(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

type Answer = Result<Json<Value>, ApiError>;

async fn list_authors(State(adb): State<AsyncDb>) -> Answer {
    // One query: each author with a count of their posts (a subquery).
    let posts = Subquery::count(Post::objects(), OuterRef(author::id).eq(post::author_id));
    let authors = Author::objects()
        .order_by([author::name.asc()])
        .annotate(posts);
    let rows = adb.run(move |db| authors.all(db)).await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|(author, posts)| json!({ "id": author.id, "name": author.name, "email": author.email, "posts": posts }))
        .collect();
    Ok(Json(Value::Array(list)))
}

#[derive(Deserialize)]
struct NewAuthorBody {
    name: String,
    email: String,
    bio: Option<String>,
}

async fn create_author(
    State(adb): State<AsyncDb>,
    Json(body): Json<NewAuthorBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut form = NewAuthor::new().name(body.name).email(body.email);
    if let Some(bio) = body.bio {
        form = form.bio(bio);
    }
    let author = form.asave(&adb).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": author.id, "name": author.name, "email": author.email })),
    ))
}

#[derive(Deserialize)]
struct PostFilter {
    tag: Option<String>,
}

fn post_json(post: &Post, author: &Author, tags: &[Tag]) -> Value {
    json!({
        "slug": post.slug,
        "title": post.title,
        "body": post.body,
        "author": author.name,
        "published": post.published,
        "views": post.view_count,
        "tags": tags.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>(),
    })
}

async fn list_posts(State(adb): State<AsyncDb>, Query(filter): Query<PostFilter>) -> Answer {
    let mut posts = Post::objects()
        .filter(post::published.eq(true))
        .order_by([post::view_count.desc(), post::slug.asc()])
        .select_related(post::author)
        .prefetch_related(post::tags);
    if let Some(slug) = filter.tag {
        posts = posts.filter(post::tags.some(tag::slug.eq(slug)));
    }
    let posts = posts.aall(&adb).await?;
    // The author and the tags were loaded with the posts: no query here.
    let list = adb
        .run(move |db| {
            posts
                .iter()
                .map(|post| {
                    let tags = post.tags().loaded().unwrap_or_default();
                    Ok(post_json(post, &*post.author(db)?, tags))
                })
                .collect::<pookie::Result<Vec<_>>>()
        })
        .await?;
    Ok(Json(Value::Array(list)))
}

#[derive(Deserialize)]
struct NewPostBody {
    author_id: i32,
    title: String,
    slug: String,
    body: String,
    #[serde(default)]
    tags: Vec<String>,
}

async fn create_post(
    State(adb): State<AsyncDb>,
    Json(body): Json<NewPostBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // The post and its tags in one transaction: all of it or none of it.
    let created = adb
        .transaction(|tx| async move {
            let author = Author::objects()
                .aget(&tx, author::id.eq(body.author_id))
                .await?;
            let post = NewPost::new()
                .title(body.title)
                .slug(body.slug)
                .body(body.body)
                .author(&author)
                .asave(&tx)
                .await?;
            let mut tags = Vec::new();
            for slug in body.tags {
                let (tag, _) = Tag::objects()
                    .aget_or_create(
                        &tx,
                        tag::slug.eq(slug.as_str()),
                        blog::NewTag::new().name(slug.as_str()).slug(slug.as_str()),
                    )
                    .await?;
                tags.push(tag);
            }
            let linked = tags.clone();
            post.awith(&tx, move |post, db| {
                post.tags().set(db, &linked.iter().collect::<Vec<_>>())
            })
            .await?;
            Ok(post_json(&post, &author, &tags))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show_post(State(adb): State<AsyncDb>, Path(slug): Path<String>) -> Answer {
    let mut post = Post::objects()
        .select_related(post::author)
        .prefetch_related(post::tags)
        .aget(&adb, post::slug.eq(slug))
        .await?;
    let views = post.view_count + 1;
    Post::objects()
        .filter(post::id.eq(post.id))
        .aupdate(&adb, [post::view_count.set_expr(F(post::view_count) + 1)])
        .await?;
    post.view_count = views;
    let body = post
        .awith(&adb, |post, db| {
            let tags = post.tags().loaded().unwrap_or_default();
            Ok(post_json(post, &*post.author(db)?, tags))
        })
        .await?;
    Ok(Json(body))
}

async fn publish_post(State(adb): State<AsyncDb>, Path(slug): Path<String>) -> Answer {
    let mut post = Post::objects().aget(&adb, post::slug.eq(slug)).await?;
    post.published = true;
    post.asave(&adb).await?;
    Ok(Json(
        json!({ "slug": post.slug, "published": post.published }),
    ))
}

async fn delete_post(
    State(adb): State<AsyncDb>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    let post = Post::objects().aget(&adb, post::slug.eq(slug)).await?;
    post.adelete(&adb).await?;
    Ok(StatusCode::NO_CONTENT)
}
