mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::NewPost;

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    // `body` and `author` are still missing.
    let _ = NewPost::new().title("Hello").slug("hello").save(&db);
}
