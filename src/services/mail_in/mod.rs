//! Mail in: one path for every message, whether a mail server pipes it to `guichet mail-in` or
//! a collector fetches it. A reply to a notification lands in its ticket's public log, a new
//! mail to an offer's address opens a ticket, as the sender's own account would through the
//! web (its scope and the log's writing rule decide, through its request context); automatic
//! mail is never answered; each Message-ID is handled once, however often it is fetched.

pub mod address;
pub mod collect;
pub mod loops;
pub mod parse;
pub mod text;

mod deliver;

use chrono::Duration;
use entity::inbound_mail;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, PaginatorTrait,
    QueryFilter, SqlErr, sea_query::Expr,
};

use crate::{
    db::Ctx,
    mail::Mailer,
    services::error::{ServiceError, ServiceResult},
};

pub use parse::Malformed;

/// A claim older than this is taken for the claim of a process that died: the message is
/// handled again.
const STALE_CLAIM_MINUTES: i64 = 10;

/// What mail in needs besides the message.
pub struct Settings<'a> {
    /// Where attachments are kept.
    pub data_dir: &'a std::path::Path,
    /// The web's attachment size limit; larger files are left out.
    pub max_bytes: usize,
    /// Messages per sender per hour past which the rest are dropped unanswered.
    pub per_hour: u64,
    /// The offer whose mailbox the message was read from, if the mailbox serves one: a new
    /// mail sent to none of the offers' addresses (an alias, a forward) goes to it.
    pub served_offer: Option<i64>,
}

/// Why a message from a known account was not added; the sender is told once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The ticket it answers is one the sender may not write to.
    NotWriter,
    /// New mail to an offer the sender's organisation has no convention for.
    NoConvention,
    /// Neither a reply to a ticket nor a mail to an offer's address.
    NoTicket,
    /// Nothing written and nothing attached, or a subcategory asking for more than a mail
    /// gives.
    Incomplete,
}

impl Refusal {
    fn word(self) -> &'static str {
        match self {
            Refusal::NotWriter => "not_writer",
            Refusal::NoConvention => "no_convention",
            Refusal::NoTicket => "no_ticket",
            Refusal::Incomplete => "incomplete",
        }
    }
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handled already (fetched twice, or handled by another process right now).
    Duplicate,
    /// An auto-reply, a bounce, list mail: left alone.
    Automatic(loops::Automatic),
    /// The sender sent too much lately: left alone, unanswered.
    RateLimited,
    /// Added to the public log of this ticket.
    Appended(String),
    /// Opened this ticket.
    Opened(String),
    /// From no account: left alone, unanswered (answering forged senders is backscatter).
    Stranger,
    /// From an account, refused; told once.
    Refused(Refusal),
}

impl Outcome {
    /// The word stored in `inbound_mail.outcome`.
    pub fn word(&self) -> String {
        match self {
            Outcome::Duplicate => "duplicate".to_owned(),
            Outcome::Automatic(_) => "automatic".to_owned(),
            Outcome::RateLimited => "rate_limited".to_owned(),
            Outcome::Appended(_) => "appended".to_owned(),
            Outcome::Opened(_) => "opened".to_owned(),
            Outcome::Stranger => "stranger".to_owned(),
            Outcome::Refused(why) => format!("refused_{}", why.word()),
        }
    }
}

/// Why a message was not handled.
#[derive(Debug, thiserror::Error)]
pub enum MailInError {
    /// It cannot be read: refuse it for good (nothing was stored).
    #[error("malformed message: {0}")]
    Malformed(#[from] Malformed),
    /// Something failed on our side (the database): try again later (nothing was kept).
    #[error("temporary failure: {0}")]
    Temporary(#[from] ServiceError),
}

impl From<sea_orm::DbErr> for MailInError {
    fn from(err: sea_orm::DbErr) -> Self {
        MailInError::Temporary(err.into())
    }
}

/// Takes in one message at the platform context's instant.
pub async fn receive(
    db: &DatabaseConnection,
    platform: &Ctx,
    mailer: &Mailer,
    raw: &[u8],
    settings: &Settings<'_>,
) -> Result<Outcome, MailInError> {
    let incoming = parse::parse(raw)?;
    if !claim(platform, &incoming).await? {
        return Ok(Outcome::Duplicate);
    }
    let decided = decide(db, platform, &incoming, settings).await;
    let (outcome, ticket_id) = match decided {
        Ok(done) => done,
        Err(err) => {
            // Let the retry find the message unclaimed.
            platform
                .delete_many::<inbound_mail::Entity>()
                .filter(inbound_mail::Column::MessageId.eq(&incoming.message_id))
                .exec(platform)
                .await?;
            return Err(err.into());
        }
    };
    platform
        .update_many::<inbound_mail::Entity>()
        .col_expr(inbound_mail::Column::Outcome, Expr::value(outcome.word()))
        .col_expr(inbound_mail::Column::TicketId, Expr::value(ticket_id))
        .filter(inbound_mail::Column::MessageId.eq(&incoming.message_id))
        .exec(platform)
        .await?;
    if let Outcome::Refused(why) = outcome {
        deliver::explain(db, platform, mailer, &incoming.sender, why).await;
    }
    Ok(outcome)
}

/// Claims a message by its Message-ID (the unique index decides between two processes);
/// answers whether this process handles it. A claim left by a process that died is taken over
/// by compare-and-set on its instant.
async fn claim(platform: &Ctx, incoming: &parse::Incoming) -> ServiceResult<bool> {
    let row = inbound_mail::ActiveModel {
        message_id: Set(incoming.message_id.clone()),
        sender: Set(incoming.sender.chars().take(254).collect()),
        outcome: Set("processing".to_owned()),
        ticket_id: Set(None),
        received_at: Set(platform.now()),
        ..Default::default()
    };
    match row.insert(platform).await {
        Ok(_) => return Ok(true),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
        Err(err) => return Err(err.into()),
    }
    let stale = platform.now() - Duration::minutes(STALE_CLAIM_MINUTES);
    let taken = platform
        .update_many::<inbound_mail::Entity>()
        .col_expr(
            inbound_mail::Column::ReceivedAt,
            Expr::value(platform.now()),
        )
        .filter(inbound_mail::Column::MessageId.eq(&incoming.message_id))
        .filter(inbound_mail::Column::Outcome.eq("processing"))
        .filter(inbound_mail::Column::ReceivedAt.lt(stale))
        .exec(platform)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// What to do with a claimed message, and the ticket it went to.
async fn decide(
    db: &DatabaseConnection,
    platform: &Ctx,
    incoming: &parse::Incoming,
    settings: &Settings<'_>,
) -> ServiceResult<(Outcome, Option<i64>)> {
    if let Some(why) = loops::automatic(&incoming.signals) {
        return Ok((Outcome::Automatic(why), None));
    }
    let recent = platform
        .find::<inbound_mail::Entity>()
        .filter(inbound_mail::Column::Sender.eq(&incoming.sender))
        .filter(inbound_mail::Column::ReceivedAt.gt(platform.now() - Duration::hours(1)))
        .count(platform)
        .await?;
    if recent > settings.per_hour {
        return Ok((Outcome::RateLimited, None));
    }
    deliver::deliver(db, platform, incoming, settings).await
}
