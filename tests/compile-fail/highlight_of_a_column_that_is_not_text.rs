mod search {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/search.rs"));
}

use search::{story, Story};

// Only text is highlighted: an integer column does not compile.
fn main() {
    let _ = Story::objects().values_list(story::search::title_body.highlight(
        story::views,
        "rust",
        "<b>",
        "</b>",
    ));
}
