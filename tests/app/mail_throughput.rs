//! Mail throughput, a benchmark rather than a timed test (issue 18): 10 000 notifications queued
//! at once leave for the tests' real SMTP server (`support::smtp`, the `mailin` crate) in under a
//! minute. Ignored by default; bench/README.md says how to run it.

use std::{collections::BTreeSet, time::Instant};

use chrono::Utc;
use entity::account;
use guichet::{
    db::Unscoped,
    services::notifications::{Kind, MailData, notify_many},
};
use sea_orm::{ColumnTrait, QueryFilter};

use crate::support::{
    TestApp,
    smtp::{SmtpServer, free_port},
};

/// Notifications queued.
const QUEUED: usize = 10_000;

/// Events written per call (one multi-row insert each, within the databases' parameter limits).
const PER_WRITE: usize = 500;

#[tokio::test]
#[ignore = "a benchmark: cargo test --release --test app mail_throughput -- --ignored --nocapture"]
async fn ten_thousand_notifications_leave_within_a_minute() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let contact = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq("contact@univ-toulon.demo.guichet"))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap();
    let platform = app.state.platform();
    for chunk in 0..QUEUED / PER_WRITE {
        let events: Vec<_> = (0..PER_WRITE)
            .map(|i| {
                let n = chunk * PER_WRITE + i;
                let data = MailData {
                    kind: Kind::Received,
                    reference: format!("I-{n:06}"),
                    title: format!("Ticket {n}"),
                    path: format!("/portal/tickets/I-{n:06}"),
                    actor: None,
                    detail: None,
                    detail_en: None,
                    status: None,
                    offer: None,
                };
                (BTreeSet::from([contact.id]), data)
            })
            .collect();
        notify_many(&platform, &events).await.unwrap();
    }
    let before = smtp.messages().len();
    let start = Instant::now();
    app.run_due_jobs(Utc::now()).await;
    let elapsed = start.elapsed();
    let sent = smtp.messages().len() - before;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{sent} messages in {:.1} s: {:.0} messages/s (load average {})",
        elapsed.as_secs_f64(),
        sent as f64 / elapsed.as_secs_f64(),
        load.split_whitespace().next().unwrap_or("?")
    );
    assert!(sent >= QUEUED, "{sent} of {QUEUED} delivered");
    assert!(elapsed.as_secs() < 60, "took {elapsed:?}");
}
