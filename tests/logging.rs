//! Statement logging through `tracing`. A binary of its own: `tracing` caches
//! per-callsite interest process-wide, so a scoped subscriber must not race
//! with tests on other threads.

use std::sync::{Arc, Mutex};

use pookie::Db;

pub mod blog {
    pookie::include_models!("blog");
}

use blog::{Author, NewAuthor};

fn new_author(db: &Db, name: &str) -> pookie::Result<Author> {
    Author::objects().create(db, NewAuthor::new().name(name).email("secret@example.com"))
}

#[test]
fn every_statement_is_logged_with_its_duration_and_parameters_only_at_debug() {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logged = |level| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let db = Db::connect("sqlite://:memory:").unwrap();
            blog::create_tables(&db).unwrap();
            new_author(&db, "Secret Name").unwrap();
        });
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    };
    let info = logged(tracing::Level::INFO);
    assert!(info.contains("INSERT INTO \"authors\""), "{info}");
    assert!(info.contains("duration_us="), "{info}");
    assert!(
        !info.contains("Secret Name"),
        "parameters stay out of INFO: {info}"
    );
    let debug = logged(tracing::Level::DEBUG);
    assert!(debug.contains("Secret Name"), "{debug}");
}
