mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let rows: Vec<(String, String)> = Post::objects()
        .values_list((post::title, post::view_count))
        .all(&db)
        .unwrap();
    let _ = rows;
}
