//! The metadata generated for each model (`Model::META`): verbose names with
//! their PookieDB defaults, one `FieldMeta` per field, and the verbose names in
//! the uniqueness messages of validation on both backends.

#[macro_use]
mod support;

use pookie::{Error, FieldMeta, Insert, Model, ValidationError};

pub mod kitchen_sink {
    pookie::include_models!("kitchen_sink");
}

// Side by side with `kitchen_sink`, whose enums it uses.
pub mod editorial {
    pookie::include_models!("editorial");
}

use editorial::{calendar_entry, CalendarEntry, NewCalendarEntry};
use kitchen_sink::*;

fn invalid<T: std::fmt::Debug>(result: pookie::Result<T>) -> ValidationError {
    match result {
        Err(Error::Validation(error)) => error,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn verbose_names_come_from_the_meta() {
    assert_eq!(Ticket::META.verbose_name, "ticket");
    assert_eq!(Ticket::META.verbose_name_plural, "tickets sold");
}

#[test]
fn verbose_names_default_to_the_model_name_in_words() {
    assert_eq!(Profile::META.verbose_name, "profile");
    assert_eq!(Profile::META.verbose_name_plural, "profiles");
    // PookieDB's plural is the verbose name with an `s`, however it is spelt.
    assert_eq!(City::META.verbose_name_plural, "citys");
    // The plural is inherited from an abstract parent like any meta option.
    assert_eq!(Sample::META.verbose_name, "sample");
    assert_eq!(Sample::META.verbose_name_plural, "stamped things");
}

#[test]
fn every_field_is_described_in_declaration_order() {
    let names: Vec<&str> = Ticket::META.fields.iter().map(|f| f.name).collect();
    assert_eq!(names, ["id", "code", "seat", "row", "price"]);
    let columns: Vec<&str> = Ticket::META.fields.iter().map(|f| f.column).collect();
    assert_eq!(columns, Ticket::META.columns);
    assert_eq!(
        Ticket::META.field("code"),
        Some(&FieldMeta {
            name: "code",
            column: "code",
            field_type: "CharField",
            verbose_name: "ticket code",
            help_text: Some("Printed on the ticket."),
            null: false,
            blank: false,
            editable: true,
            primary_key: false,
            unique: true,
        })
    );
    let seat = Ticket::META.field("seat").expect("seat");
    assert_eq!((seat.column, seat.verbose_name), ("seat_number", "seat"));
    assert!(
        Ticket::META.field("seat_number").is_none(),
        "fields are found by name"
    );
    let id = Ticket::META.field("id").expect("id");
    assert!(id.primary_key && !id.unique);
}

#[test]
fn field_flags_follow_the_schema() {
    let nullable = Profile::META.field("website").expect("website");
    assert!(nullable.null && nullable.blank && nullable.editable);
    assert_eq!(nullable.verbose_name, "website");
    assert_eq!(nullable.help_text, None);
    let counter = Defaults::META.field("counter").expect("counter");
    assert!(!counter.editable && !counter.null);
    // A foreign key is described by its field name; the column holds the key.
    let country = City::META.field("country").expect("country");
    assert_eq!(country.column, "country_id");
    assert_eq!(country.field_type, "ForeignKey");
    assert_eq!(country.verbose_name, "country");
    // The primary key PookieDB adds is called `ID`.
    assert_eq!(City::META.field("id").map(|f| f.verbose_name), Some("ID"));
}

#[test]
fn choices_of_another_file_are_that_files_enum() {
    let form = NewCalendarEntry::new().title("Spring issue");
    let entry: CalendarEntry = Insert::into_model(form, pookie::chrono::Utc::now());
    let status: kitchen_sink::Status = entry.status;
    assert_eq!(status, Status::Draft);
    assert_eq!(
        CalendarEntry::META.field("title").map(|f| f.verbose_name),
        Some("headline")
    );
    assert_eq!(CalendarEntry::META.verbose_name, "calendar entry");
    assert_eq!(CalendarEntry::META.verbose_name_plural, "calendar");
}

on_both_backends! {
    fn an_enum_of_another_file_round_trips_and_filters(db) {
        editorial::create_tables(db)?;
        let draft = CalendarEntry::objects().create(db, NewCalendarEntry::new().title("Spring"))?;
        assert_eq!(draft.status, Status::Draft, "the default is the other file's variant");
        CalendarEntry::objects().create(
            db,
            NewCalendarEntry::new().title("Summer").status(Status::Published).size(Size::Large),
        )?;
        let published = CalendarEntry::objects()
            .filter(calendar_entry::status.eq(Status::Published))
            .get(db, calendar_entry::size.eq(Size::Large))?;
        assert_eq!(published.title, "Summer");
        assert_eq!(published.size, Some(Size::Large));
        let again = CalendarEntry::get(db, draft.id)?;
        assert_eq!(again, draft);
    }


    fn uniqueness_messages_use_verbose_names(db) {
        kitchen_sink::create_tables(db)?;
        Ticket::objects().create(db, NewTicket::new().code("A1").seat(3).row("A"))?;
        let error = invalid(Ticket::objects().create(db, NewTicket::new().code("A1").seat(4).row("A")));
        // The field keeps its schema name; the message speaks the verbose names.
        assert_eq!(error.field(), Some("code"));
        assert_eq!(error.messages_for("code").collect::<Vec<_>>(), ["Ticket with this Ticket code already exists"]);
        let error = invalid(Ticket::objects().create(db, NewTicket::new().code("B1").seat(3).row("A")));
        assert_eq!(error.field(), None);
        assert_eq!(
            error.to_string(),
            "validation failed for Ticket: Ticket with this Row and Seat already exists"
        );
        assert_eq!(Ticket::objects().count(db)?, 1, "nothing was written");
    }
}
