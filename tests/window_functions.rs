//! Window functions over partitions, orderings and frames, and `annotate`,
//! on both backends; peewee's window examples ("Window functions" and the
//! `Window` and `fn.over` API reference) translated.

#[macro_use]
mod support;

use chrono::{Datelike, Timelike};
use pookie::{
    Avg, Count, CumeDist, Db, DenseRank, ExtractDay, ExtractHour, ExtractMonth, ExtractWeekDay,
    ExtractYear, FirstValue, FrameBound, Lag, LastValue, Lead, Max, Ntile, PercentRank, Rank,
    RowNumber, Sum, TruncDate, Window, F,
};

pub mod staff {
    pookie::include_models!("staff");
}

use staff::{page_visit, staff_member, NewPageVisit, NewStaffMember, PageVisit, StaffMember};

/// Sales: Ann 300, Bob 200, Cy 200; Tech: Di 500, Ed 400.
fn employees(db: &Db) -> pookie::Result<()> {
    staff::create_tables(db)?;
    for (name, department, salary) in [
        ("Ann", "Sales", 300),
        ("Bob", "Sales", 200),
        ("Cy", "Sales", 200),
        ("Di", "Tech", 500),
        ("Ed", "Tech", 400),
    ] {
        StaffMember::objects().create(
            db,
            NewStaffMember::new()
                .name(name)
                .department(department)
                .salary(salary),
        )?;
    }
    Ok(())
}

/// Five visits on 1 and 2 March 2026: (url, day, hour).
fn page_visits(db: &Db) -> pookie::Result<()> {
    staff::create_tables(db)?;
    for (url, day, hour) in [
        ("/a", 1, 9),
        ("/b", 1, 10),
        ("/a", 2, 8),
        ("/c", 1, 12),
        ("/b", 2, 9),
    ] {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("a time")
            .and_utc();
        PageVisit::objects().create(db, NewPageVisit::new().url(url).timestamp(at))?;
    }
    Ok(())
}

/// A name, the names before and after it, a running total and a sum of two.
type Neighbours<S> = (S, Option<S>, Option<S>, Option<i64>, Option<i64>);

fn by_name() -> pookie::QuerySet<StaffMember> {
    StaffMember::objects().order_by([staff_member::name.asc()])
}

on_both_backends! {
    // peewee: fn.Avg(StaffMember.salary).over(partition_by=[StaffMember.department]),
    // ordered by name.
    fn average_salary_of_the_department(db) {
        employees(db)?;
        let rows: Vec<(String, String, i32, Option<f64>)> = by_name()
            .values_list((
                staff_member::name,
                staff_member::department,
                staff_member::salary,
                Avg(staff_member::salary).over(Window::new().partition_by(staff_member::department)),
            ))
            .all(db)?;
        let expected = [
            ("Ann", "Sales", 300, 700.0 / 3.0),
            ("Bob", "Sales", 200, 700.0 / 3.0),
            ("Cy", "Sales", 200, 700.0 / 3.0),
            ("Di", "Tech", 500, 450.0),
            ("Ed", "Tech", 400, 450.0),
        ];
        assert_eq!(rows.len(), expected.len());
        for (row, (name, department, salary, average)) in rows.iter().zip(expected) {
            assert_eq!((row.0.as_str(), row.1.as_str(), row.2), (name, department, salary));
            let got = row.3.expect("an average");
            assert!((got - average).abs() < 1e-9, "{name}: {got}");
        }
    }

    // peewee: fn.rank().over(order_by=[StaffMember.salary]).
    fn rank_by_salary(db) {
        employees(db)?;
        let ranks: Vec<(String, i32, i64, i64, i64)> = by_name()
            .values_list((
                staff_member::name,
                staff_member::salary,
                Rank().over(Window::new().order_by([staff_member::salary.asc()])),
                DenseRank().over(Window::new().order_by([staff_member::salary.asc()])),
                RowNumber().over(Window::new().order_by([staff_member::salary.asc(), staff_member::name.asc()])),
            ))
            .all(db)?;
        let ranks: Vec<(&str, i32, i64, i64, i64)> =
            ranks.iter().map(|(n, s, r, d, i)| (n.as_str(), *s, *r, *d, *i)).collect();
        assert_eq!(ranks, [
            ("Ann", 300, 3, 2, 3),
            ("Bob", 200, 1, 1, 1),
            ("Cy", 200, 1, 1, 2),
            ("Di", 500, 5, 4, 5),
            ("Ed", 400, 4, 3, 4),
        ]);
    }

    // peewee: window = Window(partition_by=[fn.date_trunc('day', PageView.timestamp)]);
    // PageView.select(PageView.url, PageView.timestamp,
    // fn.Count(PageView.id).over(window=window)).order_by(PageView.timestamp).
    fn page_visits_counted_per_day(db) {
        page_visits(db)?;
        let per_day = Window::new().partition_by(TruncDate(page_visit::timestamp));
        let views: Vec<(String, chrono::DateTime<chrono::Utc>, i64)> = PageVisit::objects()
            .order_by([page_visit::timestamp.asc()])
            .values_list((page_visit::url, page_visit::timestamp, Count(page_visit::id).over(per_day)))
            .all(db)?;
        let views: Vec<(&str, u32, u32, i64)> =
            views.iter().map(|(u, t, n)| (u.as_str(), t.day(), t.hour(), *n)).collect();
        assert_eq!(views, [("/a", 1, 9, 3), ("/b", 1, 10, 3), ("/c", 1, 12, 3), ("/a", 2, 8, 2), ("/b", 2, 9, 2)]);
    }

    // The day itself as a value, a grouping key and a filter (Django's
    // TruncDate and Extract…).
    fn visits_per_day_with_date_functions(db) {
        page_visits(db)?;
        let march = |day| chrono::NaiveDate::from_ymd_opt(2026, 3, day).expect("a date");
        let per_day: Vec<(chrono::NaiveDate, i64)> = PageVisit::objects()
            .order_by([TruncDate(page_visit::timestamp).asc()])
            .values_list((TruncDate(page_visit::timestamp), Count(page_visit::id)))
            .all(db)?;
        assert_eq!(per_day, [(march(1), 3), (march(2), 2)]);
        let mornings: Vec<(String, i32, i32, i32, i32)> = PageVisit::objects()
            .filter(ExtractHour(page_visit::timestamp).lt(10))
            .order_by([page_visit::timestamp.asc()])
            .values_list((
                page_visit::url,
                ExtractYear(page_visit::timestamp),
                ExtractMonth(page_visit::timestamp),
                ExtractDay(page_visit::timestamp),
                ExtractWeekDay(page_visit::timestamp),
            ))
            .all(db)?;
        // 2026-03-01 is a Sunday (1), 2026-03-02 a Monday (2).
        assert_eq!(
            mornings,
            [("/a".to_owned(), 2026, 3, 1, 1), ("/a".to_owned(), 2026, 3, 2, 2), ("/b".to_owned(), 2026, 3, 2, 2)]
        );
    }

    // A running count per URL, ordered by timestamp.
    fn page_visits_counted_per_url(db) {
        page_visits(db)?;
        let views: Vec<(String, i64, i64)> = PageVisit::objects()
            .order_by([page_visit::timestamp.asc()])
            .values_list((
                page_visit::url,
                Count(page_visit::id).over(Window::new().partition_by(page_visit::url)),
                Count(page_visit::id).over(Window::new().order_by([page_visit::timestamp.asc()])),
            ))
            .all(db)?;
        let views: Vec<(&str, i64, i64)> = views.iter().map(|(u, d, r)| (u.as_str(), *d, *r)).collect();
        assert_eq!(views, [("/a", 2, 1), ("/b", 2, 2), ("/c", 1, 3), ("/a", 2, 4), ("/b", 2, 5)]);
    }

    // peewee: fn.LAST_VALUE(Times.time).over(order_by=[Times.time],
    // start=Window.preceding(), end=Window.following()).
    fn last_value_over_the_whole_frame(db) {
        employees(db)?;
        let whole = Window::new()
            .order_by([staff_member::salary.asc(), staff_member::name.asc()])
            .rows(FrameBound::UnboundedPreceding, FrameBound::UnboundedFollowing);
        let rows: Vec<(String, Option<i32>, Option<String>)> = by_name()
            .values_list((
                staff_member::name,
                LastValue(staff_member::salary).over(whole.clone()),
                FirstValue(staff_member::name).over(whole),
            ))
            .all(db)?;
        assert!(rows.iter().all(|(_, last, first)| *last == Some(500) && first.as_deref() == Some("Bob")), "{rows:?}");
    }

    fn offsets_frames_and_running_totals(db) {
        employees(db)?;
        let by_salary = || Window::new().order_by([staff_member::salary.asc(), staff_member::name.asc()]);
        let rows: Vec<Neighbours<String>> = StaffMember::objects()
            .order_by([staff_member::salary.asc(), staff_member::name.asc()])
            .values_list((
                staff_member::name,
                Lag(staff_member::name, 1).over(by_salary()),
                Lead(staff_member::name, 2).over(by_salary()),
                Sum(staff_member::salary).over(by_salary()),
                Sum(staff_member::salary).over(by_salary().rows(FrameBound::Preceding(1), FrameBound::CurrentRow)),
            ))
            .all(db)?;
        let rows: Vec<Neighbours<&str>> = rows
            .iter()
            .map(|(n, lag, lead, run, pair)| (n.as_str(), lag.as_deref(), lead.as_deref(), *run, *pair))
            .collect();
        assert_eq!(rows, [
            ("Bob", None, Some("Ann"), Some(200), Some(200)),
            ("Cy", Some("Bob"), Some("Ed"), Some(400), Some(400)),
            ("Ann", Some("Cy"), Some("Di"), Some(700), Some(500)),
            ("Ed", Some("Ann"), None, Some(1100), Some(700)),
            ("Di", Some("Ed"), None, Some(1600), Some(900)),
        ]);
    }

    fn distribution_functions(db) {
        employees(db)?;
        let by_salary = || Window::new().partition_by(staff_member::department).order_by([staff_member::salary.asc()]);
        let rows: Vec<(String, f64, f64, i64)> = by_name()
            .values_list((
                staff_member::name,
                PercentRank().over(by_salary()),
                CumeDist().over(by_salary()),
                Ntile(2).over(Window::new().order_by([staff_member::name.asc()])),
            ))
            .all(db)?;
        let expected = [
            ("Ann", 1.0, 1.0, 1),
            ("Bob", 0.0, 2.0 / 3.0, 1),
            ("Cy", 0.0, 2.0 / 3.0, 1),
            ("Di", 1.0, 1.0, 2),
            ("Ed", 0.0, 0.5, 2),
        ];
        for (row, (name, percent, cume, tile)) in rows.iter().zip(expected) {
            assert_eq!((row.0.as_str(), row.3), (name, tile), "{rows:?}");
            assert!((row.1 - percent).abs() < 1e-9 && (row.2 - cume).abs() < 1e-9, "{rows:?}");
        }
    }

    fn ordering_by_a_window_and_annotating_rows(db) {
        employees(db)?;
        let top_first = Window::new()
            .partition_by(staff_member::department)
            .order_by([staff_member::salary.desc(), staff_member::name.asc()]);
        let ranked: Vec<(StaffMember, (i64, i32))> = StaffMember::objects()
            .order_by([staff_member::department.asc(), RowNumber().over(top_first.clone()).asc()])
            .annotate((RowNumber().over(top_first), F(staff_member::salary) * 2))
            .all(db)?;
        let got: Vec<(&str, i64, i32)> = ranked
            .iter()
            .map(|(e, (place, double))| (e.name.as_str(), *place, *double))
            .collect();
        assert_eq!(got, [("Ann", 1, 600), ("Bob", 2, 400), ("Cy", 3, 400), ("Di", 1, 1000), ("Ed", 2, 800)]);
        assert!(ranked.iter().all(|(e, (_, double))| e.salary * 2 == *double));

        // An aggregate annotation groups by the model's columns.
        let counted: Vec<(StaffMember, Option<i32>)> = by_name().annotate(Max(staff_member::salary)).all(db)?;
        assert!(counted.iter().all(|(e, max)| *max == Some(e.salary)));
        let first = by_name().annotate(Rank().over(Window::new().order_by([staff_member::salary.desc()]))).first(db)?;
        let (ann, rank) = first.expect("a row");
        assert_eq!((ann.name.as_str(), rank), ("Ann", 3));
    }
}
