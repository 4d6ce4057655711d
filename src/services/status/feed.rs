//! A personal Atom feed of service status, for establishments that follow it from their own
//! tools: the status changes, major incidents and maintenance windows of the offers its account
//! reads (those its organisation subscribes to, or provides). A feed reader cannot sign in, so
//! the address carries a personal feed token: one per account, stored as its SHA-256 like API
//! tokens, regenerated (the old address stops working) or removed by its owner.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use chrono::{DateTime, Utc};
use entity::{feed_token, maintenance_window, major_incident, offer, service_status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::secret,
    db::{Ctx, Handle},
    i18n::Lang,
    services::{
        MAX_PER_PAGE,
        error::{ServiceError, ServiceResult},
    },
};

/// How many events a feed carries, newest first.
const FEED_LENGTH: u64 = 50;

/// A feed address just made: the only time its token is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedLink {
    /// The personal feed token.
    pub token: String,
    /// The feed's path on this site, token included.
    pub path: String,
}

/// The feed's path for a token.
fn path_of(token: &str) -> String {
    format!("/status/feed.atom?token={token}")
}

/// Makes the caller's feed token, replacing the one it had (whose address stops working).
pub async fn regenerate(ctx: &Ctx) -> ServiceResult<FeedLink> {
    let token = secret::generate("gfd_")?;
    let tx = ctx.begin().await?;
    tx.delete_many::<feed_token::Entity>()
        .filter(feed_token::Column::AccountId.eq(ctx.caller().account_id))
        .exec(&tx)
        .await?;
    // The caller's own row: one per account (a simultaneous regeneration loses with a 409).
    feed_token::Entity::insert(feed_token::ActiveModel {
        account_id: Set(ctx.caller().account_id),
        token_hash: Set(secret::digest(&token)),
        created_at: Set(ctx.now()),
        ..Default::default()
    })
    .exec_without_returning(&tx)
    .await
    .map_err(|err| {
        if crate::db::is_unique_violation(&err) {
            ServiceError::stale()
        } else {
            err.into()
        }
    })?;
    tx.commit().await?;
    Ok(FeedLink {
        path: path_of(&token),
        token,
    })
}

/// Removes the caller's feed token: its address stops working.
pub async fn remove<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<()> {
    ctx.delete_many::<feed_token::Entity>()
        .filter(feed_token::Column::AccountId.eq(ctx.caller().account_id))
        .exec(ctx)
        .await?;
    Ok(())
}

/// Whether the caller has a feed token (its secret is never shown again).
pub async fn has_token<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<bool> {
    Ok(ctx
        .find::<feed_token::Entity>()
        .filter(feed_token::Column::AccountId.eq(ctx.caller().account_id))
        .one(ctx)
        .await?
        .is_some())
}

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Unique and stable across readings: the kind of row and its id.
    pub id: String,
    /// When it happened (or was published).
    pub at: DateTime<Utc>,
    /// The offer's code.
    pub offer: String,
    /// The offer's name.
    pub offer_name: String,
    /// A status word, `major_incident`, `maintenance_planned` or `maintenance_cancelled` (the
    /// mail subjects' words).
    pub event: String,
    /// What was said, in French.
    pub text: String,
    /// What was said, in English, if given.
    pub text_en: Option<String>,
}

/// The latest events of the offers the caller reads, newest first.
pub async fn events<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<FeedEvent>> {
    let offers: Vec<offer::Model> = ctx
        .find::<offer::Entity>()
        .limit(MAX_PER_PAGE)
        .all(ctx)
        .await?;
    let ids: Vec<i64> = offers.iter().map(|o| o.id).collect();
    let named = |id: i64| {
        offers
            .iter()
            .find(|o| o.id == id)
            .map(|o| (o.code.clone(), o.name.clone()))
            .unwrap_or_default()
    };
    let mut events = Vec::new();
    let periods = ctx
        .find::<service_status::Entity>()
        .filter(service_status::Column::OfferId.is_in(ids.clone()))
        .order_by_desc(service_status::Column::StartedAt)
        .limit(FEED_LENGTH)
        .all(ctx)
        .await?;
    for p in periods {
        let (offer, offer_name) = named(p.offer_id);
        let state: crate::domain::service_status::ServiceState = p.status.into();
        events.push(FeedEvent {
            id: format!("status-{}", p.id),
            at: p.started_at,
            offer,
            offer_name,
            event: state.as_str().to_owned(),
            text: p.message,
            text_en: p.message_en,
        });
    }
    let majors = ctx
        .find::<major_incident::Entity>()
        .filter(major_incident::Column::OfferId.is_in(ids.clone()))
        .order_by_desc(major_incident::Column::DeclaredAt)
        .limit(FEED_LENGTH)
        .all(ctx)
        .await?;
    for m in majors {
        let (offer, offer_name) = named(m.offer_id);
        events.push(FeedEvent {
            id: format!("major-{}", m.id),
            at: m.declared_at,
            offer,
            offer_name,
            event: "major_incident".to_owned(),
            text: m.title,
            text_en: None,
        });
    }
    let windows = ctx
        .find::<maintenance_window::Entity>()
        .filter(maintenance_window::Column::OfferId.is_in(ids))
        .order_by_desc(maintenance_window::Column::CreatedAt)
        .limit(FEED_LENGTH)
        .all(ctx)
        .await?;
    for w in windows {
        let (offer, offer_name) = named(w.offer_id);
        let when = format!("{} – {}", w.starts_at.to_rfc3339(), w.ends_at.to_rfc3339());
        if let Some(at) = w.cancelled_at {
            events.push(FeedEvent {
                id: format!("maintenance-{}-cancelled", w.id),
                at,
                offer: offer.clone(),
                offer_name: offer_name.clone(),
                event: "maintenance_cancelled".to_owned(),
                text: format!("{}\n{when}", w.message),
                text_en: w.message_en.as_ref().map(|m| format!("{m}\n{when}")),
            });
        }
        events.push(FeedEvent {
            id: format!("maintenance-{}", w.id),
            at: w.created_at,
            offer,
            offer_name,
            event: "maintenance_planned".to_owned(),
            text: format!("{}\n{when}", w.message),
            text_en: w.message_en.map(|m| format!("{m}\n{when}")),
        });
    }
    Ok(newest(events))
}

/// The events newest first, at most [`FEED_LENGTH`] of them.
fn newest(mut events: Vec<FeedEvent>) -> Vec<FeedEvent> {
    events.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
    events.truncate(usize::try_from(FEED_LENGTH).unwrap_or(usize::MAX));
    events
}

/// The Atom document of `events` for a reader in `lang`; `base_url` makes the links absolute
/// and `now` dates an empty feed.
pub fn atom(events: &[FeedEvent], lang: Lang, base_url: &str, now: DateTime<Utc>) -> String {
    let base = base_url.trim_end_matches('/');
    let entries: Vec<Entry> = events
        .iter()
        .map(|e| {
            let title = lang.t_args(
                "mail-service_status-subject",
                &[
                    ("reference", e.offer.clone()),
                    ("status", e.event.clone()),
                    ("title", e.offer_name.clone()),
                ],
            );
            let text = match (lang, &e.text_en) {
                (Lang::En, Some(en)) => en.clone(),
                _ => e.text.clone(),
            };
            Entry {
                id: format!("{base}/status#{}", e.id),
                title: Text::plain(title),
                updated: e.at.into(),
                summary: Some(Text::plain(text)),
                links: vec![Link {
                    href: format!("{base}/status/{}", e.offer),
                    ..Default::default()
                }],
                ..Default::default()
            }
        })
        .collect();
    let feed = Feed {
        id: format!("{base}/status"),
        title: Text::plain(lang.t("status-title")),
        updated: events.first().map_or(now, |e| e.at).into(),
        authors: vec![Person {
            name: "Guichet".to_owned(),
            ..Default::default()
        }],
        links: vec![Link {
            href: format!("{base}/status"),
            ..Default::default()
        }],
        lang: Some(lang.code().to_owned()),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly by design"
)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn event(id: &str, minute: u32, text_en: Option<&str>) -> FeedEvent {
        FeedEvent {
            id: id.to_owned(),
            at: Utc.with_ymd_and_hms(2026, 12, 6, 9, minute, 0).unwrap(),
            offer: "SMS-U".to_owned(),
            offer_name: "SMS universitaire".to_owned(),
            event: "major_outage".to_owned(),
            text: "Envoi interrompu".to_owned(),
            text_en: text_en.map(str::to_owned),
        }
    }

    #[test]
    fn events_come_newest_first() {
        let sorted = newest(vec![
            event("a", 1, None),
            event("b", 3, None),
            event("c", 2, None),
        ]);
        let ids: Vec<&str> = sorted.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn the_feed_is_atom_in_the_readers_language() {
        let events = [event("status-1", 1, Some("Sending stopped"))];
        let now = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let french = atom(&events, Lang::Fr, "https://guichet.example/", now);
        let parsed: Feed = french.parse().expect("valid Atom");
        assert_eq!(parsed.entries.len(), 1);
        assert!(
            parsed.entries[0]
                .title
                .value
                .contains("[SMS-U] Panne majeure")
        );
        assert_eq!(
            parsed.entries[0].links[0].href,
            "https://guichet.example/status/SMS-U"
        );
        let english = atom(&events, Lang::En, "https://guichet.example", now);
        assert!(english.contains("Sending stopped") && english.contains("Major outage"));
        assert!(
            atom(&[], Lang::Fr, "https://guichet.example", now)
                .parse::<Feed>()
                .is_ok()
        );
    }
}
