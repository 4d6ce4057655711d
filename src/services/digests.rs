//! Digests: a contact chooses, per offer, single mails or a daily or weekly digest. While on a
//! digest, that offer's ticket and evolution notifications for them are written to the outbox
//! held (`notification.digest`, no mail job: see `notifications::notify_many`); the digest job
//! sends each account one mail per period with what was held, in their language, nothing when
//! nothing was. A period is claimed by a row unique per account and period before its mail
//! goes, so two runs (two processes, a second run of the job) never send it twice.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use entity::{digest_choice, digest_sent, notification, offer};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ServiceError, ServiceResult};
use crate::{
    db::Ctx,
    domain::digest::{Frequency, due},
    i18n::Lang,
    mail::Mailer,
};

/// Events held at most per run (the rest go in the next run of the same period).
const HELD_PER_RUN: u64 = 5_000;

/// How the caller gets one offer's mail.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DigestChoiceView {
    /// The offer's code.
    pub offer: String,
    /// Its name.
    pub offer_name: String,
    /// Single mails, a daily or a weekly digest.
    pub frequency: Frequency,
}

/// A choice.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"frequency": "daily"}))]
pub struct DigestInput {
    /// `single`, `daily` or `weekly`.
    pub frequency: Frequency,
}

/// The caller's choice for each offer they read (single mails where none was made).
pub async fn choices(ctx: &Ctx) -> ServiceResult<Vec<DigestChoiceView>> {
    let offers = ctx
        .find::<offer::Entity>()
        .order_by_asc(offer::Column::Code)
        .limit(super::MAX_PER_PAGE)
        .all(ctx)
        .await?;
    let chosen: BTreeMap<i64, String> = ctx
        .find::<digest_choice::Entity>()
        .filter(digest_choice::Column::AccountId.eq(ctx.caller().account_id))
        .all(ctx)
        .await?
        .into_iter()
        .map(|c| (c.offer_id, c.frequency))
        .collect();
    Ok(offers
        .into_iter()
        .map(|o| DigestChoiceView {
            frequency: chosen
                .get(&o.id)
                .map_or(Frequency::Single, |f| Frequency::parse(f)),
            offer: o.code,
            offer_name: o.name,
        })
        .collect())
}

/// Sets the caller's choice for an offer they read (404 otherwise); single mails remove it.
pub async fn choose(
    ctx: &Ctx,
    code: &str,
    frequency: Frequency,
) -> ServiceResult<DigestChoiceView> {
    let found = ctx
        .find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let account = ctx.caller().account_id;
    match frequency {
        Frequency::Single => {
            ctx.delete_many::<digest_choice::Entity>()
                .filter(digest_choice::Column::AccountId.eq(account))
                .filter(digest_choice::Column::OfferId.eq(found.id))
                .exec(ctx)
                .await?;
        }
        Frequency::Daily | Frequency::Weekly => {
            // One statement: the unique index keeps one choice per account and offer.
            digest_choice::Entity::insert(digest_choice::ActiveModel {
                account_id: Set(account),
                offer_id: Set(found.id),
                frequency: Set(frequency.as_str().to_owned()),
                created_at: Set(ctx.now()),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([
                    digest_choice::Column::AccountId,
                    digest_choice::Column::OfferId,
                ])
                .update_column(digest_choice::Column::Frequency)
                .to_owned(),
            )
            .exec_without_returning(ctx)
            .await?;
        }
    }
    Ok(DigestChoiceView {
        offer: found.code,
        offer_name: found.name,
        frequency,
    })
}

/// What a digest run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sent {
    /// Digests mailed.
    pub digests: usize,
    /// Events they carried.
    pub events: usize,
}

/// Sends the digests due at `now` (the platform's context): for daily and weekly ones, each
/// account's events held before the latest due instant (`at` Paris time), one mail each.
pub async fn send_due(
    platform: &Ctx,
    mailer: &Mailer,
    base_url: &str,
    at: NaiveTime,
) -> ServiceResult<Sent> {
    let mut sent = Sent::default();
    for frequency in [Frequency::Daily, Frequency::Weekly] {
        let Some((cutoff, period)) = due(platform.now(), at, frequency) else {
            continue;
        };
        let held = platform
            .find::<notification::Entity>()
            .filter(notification::Column::Digest.eq(frequency.as_str()))
            .filter(notification::Column::SentAt.is_null())
            .filter(notification::Column::CreatedAt.lte(cutoff))
            .order_by_asc(notification::Column::AccountId)
            .order_by_asc(notification::Column::Id)
            .limit(HELD_PER_RUN)
            .all(platform)
            .await?;
        let mut by_account: BTreeMap<i64, Vec<notification::Model>> = BTreeMap::new();
        for row in held {
            by_account.entry(row.account_id).or_default().push(row);
        }
        // One claim and one mail per account: each digest is its own delivery.
        for (account, events) in by_account {
            if send_one(
                platform, mailer, base_url, frequency, &period, account, &events,
            )
            .await?
            {
                sent.digests += 1;
                sent.events += events.len();
            }
        }
    }
    Ok(sent)
}

/// Claims, mails and marks one account's digest; answers whether this run sent it.
async fn send_one(
    platform: &Ctx,
    mailer: &Mailer,
    base_url: &str,
    frequency: Frequency,
    period: &str,
    account: i64,
    events: &[notification::Model],
) -> ServiceResult<bool> {
    let Some(first) = events.first() else {
        return Ok(false);
    };
    let claim = digest_sent::ActiveModel {
        account_id: Set(account),
        period: Set(period.to_owned()),
        events: Set(i32::try_from(events.len()).unwrap_or(i32::MAX)),
        sent_at: Set(platform.now()),
        ..Default::default()
    }
    .insert(platform)
    .await;
    let claim = match claim {
        Ok(row) => row,
        // Sent already (a second run, another process): its events are marked by that run.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(false);
        }
        Err(err) => return Err(err.into()),
    };
    let lang = Lang::from(first.language);
    let subject = lang.t_args(
        &format!("digest-subject-{}", frequency.as_str()),
        &[("count", events.len().to_string())],
    );
    let mut body = format!(
        "{}\n\n",
        lang.t(&format!("digest-intro-{}", frequency.as_str()))
    );
    for event in events {
        let path = serde_json::from_str::<super::notifications::MailData>(&event.data)
            .map(|d| d.path)
            .unwrap_or_default();
        body.push_str(&format!(
            "- {} ({})\n  {base_url}{path}\n",
            event.subject,
            crate::domain::local_time::show(&event.created_at.to_rfc3339())
        ));
    }
    body.push_str(&format!("\n{}\n", lang.t("mail-signature")));
    if let Err(err) = mailer.send(&first.email, &subject, &body).await {
        // Not sent: the claim goes, so that the next run tries again.
        platform
            .delete_many::<digest_sent::Entity>()
            .filter(digest_sent::Column::Id.eq(claim.id))
            .exec(platform)
            .await?;
        return Err(ServiceError::Internal(err));
    }
    platform
        .update_many::<notification::Entity>()
        .col_expr(notification::Column::SentAt, Expr::value(platform.now()))
        .filter(notification::Column::Id.is_in(events.iter().map(|e| e.id)))
        .exec(platform)
        .await?;
    Ok(true)
}

/// Reads the `digest_at` setting (`HH:MM`, Paris time).
pub fn hour_of(setting: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(setting.trim(), "%H:%M").ok()
}
