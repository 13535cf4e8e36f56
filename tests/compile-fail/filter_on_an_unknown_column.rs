mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{author, Author};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Author::objects().filter(author::nickname.eq("Grace")).all(&db);
}