mod blog {
    pookie::include_models!("blog");
}

use blog::{author, Author};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    let _ = Author::objects().filter(author::name.year().eq(2024)).all(&db);
}
