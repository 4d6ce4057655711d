//! The job queue: one holder per job, leases that expire, retries that back off, periodic slots
//! created once.

use chrono::{Duration, Utc};
use entity::job::{self, State};
use guichet::{
    db::Unscoped,
    jobs::{
        Job,
        queue::{self, NewJob},
    },
};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};

use crate::support::TestApp;

/// A job that is only held, finished and failed here, never run.
fn probe(n: usize, dedupe_key: Option<String>) -> NewJob {
    NewJob {
        job: Job::Mail {
            message_id: format!("probe-{n}"),
        },
        run_at: Utc::now() - Duration::seconds(1),
        dedupe_key,
        max_attempts: 2,
    }
}

#[tokio::test]
async fn each_job_is_held_by_one_worker_and_taken_over_when_its_lease_expires() {
    let app = TestApp::spawn().await;
    let db = &app.conn;
    for n in 0..30 {
        queue::enqueue(db, Utc::now(), probe(n, None))
            .await
            .unwrap();
    }
    // A periodic slot scheduled twice (two processes) is one job.
    for _ in 0..2 {
        queue::enqueue(db, Utc::now(), probe(99, Some("probe@slot-1".to_owned())))
            .await
            .unwrap();
    }
    assert_eq!(Unscoped::find::<job::Entity>().count(db).await.unwrap(), 31);

    // Two workers claim at the same time: what one holds, the other does not.
    let lease = Duration::minutes(5);
    let (a, b) = tokio::join!(
        queue::claim(db, Utc::now(), lease, 20),
        queue::claim(db, Utc::now(), lease, 20)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<i64> = a.iter().chain(b.iter()).map(|j| j.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "no job held twice");
    let rest = queue::claim(db, Utc::now(), lease, 100).await.unwrap();
    assert_eq!(before + rest.len(), 31, "every job held once");
    assert!(
        queue::claim(db, Utc::now(), lease, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // A holder that dies: after the lease, another worker takes its jobs, as a new attempt.
    let later = Utc::now() + Duration::minutes(6);
    let taken_over = queue::claim(db, later, lease, 100).await.unwrap();
    assert_eq!(taken_over.len(), 31);
    assert!(taken_over.iter().all(|j| j.attempts == 2));
    // The first holder's late report changes nothing: it no longer holds the job.
    queue::finish(db, Utc::now(), &a[0]).await.unwrap();
    let row = Unscoped::find::<job::Entity>()
        .filter(job::Column::Id.eq(a[0].id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.state, State::Pending);

    // Failures: retried after a back-off, then given up at the last attempt (2 here).
    let first = &taken_over[0];
    queue::fail(db, Utc::now(), first, "SMTP down")
        .await
        .unwrap();
    let row = Unscoped::find::<job::Entity>()
        .filter(job::Column::Id.eq(first.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.state, State::Failed);
    assert_eq!(row.last_error.as_deref(), Some("SMTP down"));
    let second = &taken_over[1];
    queue::finish(db, Utc::now(), second).await.unwrap();
    let done = Unscoped::find::<job::Entity>()
        .filter(job::Column::State.eq(State::Done))
        .count(db)
        .await
        .unwrap();
    assert_eq!(done, 1);
}

#[tokio::test]
async fn a_failed_attempt_waits_before_the_next() {
    let app = TestApp::spawn().await;
    let db = &app.conn;
    let mut job = probe(1, None);
    job.max_attempts = 5;
    queue::enqueue(db, Utc::now(), job).await.unwrap();
    let held = queue::claim(db, Utc::now(), Duration::minutes(5), 10)
        .await
        .unwrap();
    queue::fail(db, Utc::now(), &held[0], "timeout")
        .await
        .unwrap();
    // Not due again at once: the back-off (30 s after a first failure) holds it back.
    assert!(
        queue::claim(db, Utc::now(), Duration::minutes(5), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = queue::claim(
        db,
        Utc::now() + Duration::seconds(31),
        Duration::minutes(5),
        10,
    )
    .await
    .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
}

#[tokio::test]
async fn ended_jobs_are_purged_after_a_while_and_waiting_ones_never() {
    let app = TestApp::spawn().await;
    let db = &app.conn;
    for n in 0..3 {
        queue::enqueue(db, Utc::now(), probe(n, None))
            .await
            .unwrap();
    }
    let held = queue::claim(db, Utc::now(), Duration::minutes(5), 2)
        .await
        .unwrap();
    for job in &held {
        queue::finish(db, Utc::now(), job).await.unwrap();
    }
    assert_eq!(
        queue::purge(db, Utc::now() - Duration::days(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        queue::purge(db, Utc::now() + Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
    let left = Unscoped::find::<job::Entity>().count(db).await.unwrap();
    assert_eq!(left, 1, "the waiting job stays");
}
