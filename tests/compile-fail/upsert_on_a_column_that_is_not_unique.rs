mod blog {
    include!(concat!(env!("POOKIE_MODELS_DIR"), "/blog.rs"));
}

use blog::{post, Post};
use pookie::OnConflict;

// No database can detect a conflict on a column that is not unique: an upsert
// names one of the model's unique keys, which `post::unique` lists.
fn main() {
    let _: OnConflict<Post> = OnConflict::on(post::unique::title).do_nothing();
    let _: OnConflict<Post> = OnConflict::on(post::title).do_nothing();
}
