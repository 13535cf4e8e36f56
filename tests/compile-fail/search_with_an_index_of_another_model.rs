mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}
mod search {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/search.rs"));
}

use blog::Post;
use search::story;

// A search index belongs to its model: another model's query set refuses it.
fn main() {
    let _ = Post::objects().search(story::search::title_body, "rust");
}
