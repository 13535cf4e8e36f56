mod lookups {
    pookie::include_models!("lookups");
}

use lookups::{event, Event};

fn main() {
    let db = pookie::Db::connect("sqlite://:memory:").unwrap();
    // `tags` holds strings, `scores` integers.
    let _ = Event::objects().filter(event::tags.contains([1_i64])).all(&db);
    let _ = Event::objects().filter(event::scores.overlap(["a"])).all(&db);
    // A text column's `contains` takes text, not a list.
    let _ = Event::objects().filter(event::name.contains(["a"])).all(&db);
}
