//! The inquiry register on the store: lifecycle, refusals, the audit trail, and
//! tampering, on SQLite always and on PostgreSQL when `TESTAT_TEST_POSTGRES_URL` is
//! set (with CI=true a missing URL fails instead of skipping).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use sqlx::{Connection, Executor};
use testat_inquiry::{
    EventKind, InqSupport, InquiryKind, InquiryState, NewInquiry, Notification, Period,
    transparency_report,
};
use testat_store::{Location, Stamp, Store};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn stamp() -> Stamp {
    Stamp {
        actor: "legal".into(),
        at: Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
    }
}

fn request(received: &str, country: &str) -> NewInquiry {
    NewInquiry {
        received_on: day(received),
        channel: "letter".into(),
        authority: "Prosecutor".into(),
        country: country.into(),
        legal_basis: "§ 100a StPO".into(),
        kind: InquiryKind::DataDisclosure,
        data_categories: vec!["mailbox".into(), " ".into()],
        customers: vec!["acme".into()],
        deadline: Some(day("2026-03-10")),
        handlers: vec!["Jo".into()],
    }
}

enum Backend {
    Sqlite,
    Postgres(String),
}

async fn fresh(backend: &Backend, dir: &Path, name: &str) -> Location {
    match backend {
        Backend::Sqlite => Location::sqlite(&dir.join("store.db"), None),
        Backend::Postgres(admin) => {
            let db = format!("testat_inq_{}_{name}", std::process::id());
            let mut location = Location::sqlite(&dir.join("unused.db"), None);
            location.database_url = testat_test_support::fresh_postgres_database(admin, &db).await;
            location
        }
    }
}

async fn scenario_lifecycle(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&fresh(backend, dir.path(), "lifecycle").await)
        .await
        .unwrap();
    let s = stamp();
    let id = store
        .add_inquiry(&request("2026-02-20", "us"), &s)
        .await
        .unwrap();
    let r = store.inquiry(id).await.unwrap();
    assert_eq!(r.state, InquiryState::Received);
    assert_eq!(r.inquiry.country, "US");
    assert!(r.inquiry.outside_eea);
    assert_eq!(r.inquiry.data_categories, vec!["mailbox"]);

    let err = store
        .advance_inquiry(id, InquiryState::Disclosed, None, &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("from received the next state is legal-review"),
        "{err}"
    );
    store
        .advance_inquiry(id, InquiryState::LegalReview, None, &s)
        .await
        .unwrap();
    store
        .advance_inquiry(
            id,
            InquiryState::Disclosed,
            Some("mailbox of acme, Feb"),
            &s,
        )
        .await
        .unwrap();
    let err = store
        .advance_inquiry(id, InquiryState::Closed, None, &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("notification decision first"), "{err}");
    let err = store
        .notify_inquiry(id, day("2026-02-19"), "mail", &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("before the request was received"), "{err}");
    store
        .bar_notification(id, "gag order", day("2026-06-01"), &s)
        .await
        .unwrap();
    store
        .advance_inquiry(id, InquiryState::Closed, None, &s)
        .await
        .unwrap();
    // The bar is lifted after closing: a new event, the old ones stay.
    store
        .notify_inquiry(id, day("2026-03-01"), "e-mail", &s)
        .await
        .unwrap();
    let r = store.inquiry(id).await.unwrap();
    assert_eq!(r.state, InquiryState::Closed);
    assert_eq!(r.outcome(), Some(InquiryState::Disclosed));
    assert_eq!(
        r.notification,
        Some(Notification::Notified {
            on: day("2026-03-01"),
            how: "e-mail".into()
        })
    );
    assert_eq!(r.events.len(), 5);
    assert!(r.events.iter().any(|e| e.kind == EventKind::Barred));

    let actions: Vec<_> = store
        .audit_events(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.object))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("inquiry.add".to_owned(), "inquiry 1".to_owned()),
            ("inquiry.advance".into(), "inquiry-event 1".into()),
            ("inquiry.advance".into(), "inquiry-event 2".into()),
            ("inquiry.bar".into(), "inquiry-event 3".into()),
            ("inquiry.advance".into(), "inquiry-event 4".into()),
            ("inquiry.notify".into(), "inquiry-event 5".into()),
        ]
    );
    assert!(store.verify().await.unwrap().ok());
    assert!(store.verify_inquiries().await.unwrap().is_empty());
    let evidence = store.inquiry_evidence(day("2026-03-01")).await.unwrap();
    assert!(
        evidence
            .criteria
            .iter()
            .all(|c| c.support == InqSupport::Supported),
        "{evidence:?}"
    );
    let report = transparency_report(
        &store.inquiries().await.unwrap(),
        "2026-Q1".parse::<Period>().unwrap(),
        10,
        day("2026-03-01"),
    )
    .unwrap();
    assert_eq!(report.total.0.display(), "0-9");
    store.close().await;
}

async fn scenario_tampering(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let location = fresh(backend, dir.path(), "tampering").await;
    let store = Store::open(&location).await.unwrap();
    let s = stamp();
    let a = store
        .add_inquiry(&request("2026-02-20", "DE"), &s)
        .await
        .unwrap();
    let b = store
        .add_inquiry(&request("2026-02-21", "FR"), &s)
        .await
        .unwrap();
    store
        .advance_inquiry(a, InquiryState::LegalReview, None, &s)
        .await
        .unwrap();
    store
        .advance_inquiry(b, InquiryState::LegalReview, None, &s)
        .await
        .unwrap();
    assert!(store.verify_inquiries().await.unwrap().is_empty());
    let mut conn = sqlx::AnyConnection::connect(&location.database_url)
        .await
        .unwrap();
    conn.execute("UPDATE inquiries SET country = 'CH' WHERE id = 1")
        .await
        .unwrap();
    conn.execute("DELETE FROM inquiry_events WHERE id = 2")
        .await
        .unwrap();
    conn.execute("INSERT INTO inquiry_events (id, inquiry_id, kind, from_state, to_state, actor, at) VALUES (9, 1, 'transition', 'legal-review', 'disclosed', 'mallory', 0)")
        .await
        .unwrap();
    let problems = store.verify_inquiries().await.unwrap();
    let text: Vec<_> = problems
        .iter()
        .map(|p| format!("{}: {}", p.place, p.message))
        .collect();
    assert!(
        text.iter().any(|t| t.starts_with("inquiry 1: altered")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("inquiry-event 2: removed")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.starts_with("inquiry-event 9: added")),
        "{text:?}"
    );
    assert_eq!(problems.len(), 3, "{text:?}");
    let evidence = store.inquiry_evidence(day("2026-03-01")).await.unwrap();
    assert!(
        evidence
            .criteria
            .iter()
            .all(|c| c.support == InqSupport::Gaps)
    );
    store.close().await;
}

async fn scenario_migration(backend: &Backend) {
    let dir = tempfile::tempdir().unwrap();
    let location = fresh(backend, dir.path(), "migration").await;
    let old = Store::open_to(&location, 2).await.unwrap();
    assert_eq!(old.schema_version().await.unwrap(), 2);
    old.close().await;
    let store = Store::open(&location).await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        testat_store::SCHEMA_VERSION
    );
    assert!(store.inquiries().await.unwrap().is_empty());
    store
        .add_inquiry(&request("2026-01-01", "NO"), &stamp())
        .await
        .unwrap();
    assert!(!store.inquiry(1).await.unwrap().inquiry.outside_eea);
    store.close().await;
}

macro_rules! suite {
    ($($name:ident),*) => {
        $(
            #[tokio::test]
            async fn $name() {
                super::$name(&super::Backend::Sqlite).await;
            }
        )*

        /// The whole suite on PostgreSQL.
        #[tokio::test]
        async fn postgres_suite() {
            let Some(url) = testat_test_support::postgres_admin_url("PostgreSQL inquiry suite") else {
                return;
            };
            let backend = super::Backend::Postgres(url);
            $( super::$name(&backend).await; )*
        }
    };
}

mod sqlite {
    suite!(scenario_lifecycle, scenario_tampering, scenario_migration);
}
