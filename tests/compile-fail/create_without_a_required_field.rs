mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{Author, NewAuthor};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Author::objects().create(&db, NewAuthor::new().name("Grace"));
}