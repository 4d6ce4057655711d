//! Notifications: who hears of what happens to a ticket, written to the outbox (the
//! `notification` table, with a `mail` job each) in the transaction of the change itself, so a
//! change and its mail are committed together or not at all. The job sends it later (see
//! [`send`]); a mail server that is down delays mail, it never loses it nor fails the change.

use std::collections::BTreeSet;

use entity::{account, account_role, notification, notification_mute, ticket, ticket_participant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::{
        Ctx, Handle, directory,
        recipients::{self, Recipients},
    },
    i18n::Lang,
    jobs::{
        Job,
        queue::{self, NewJob},
    },
    services::error::{ServiceError, ServiceResult},
};

/// What a notification tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = NotificationKind)]
pub enum Kind {
    /// The acknowledgement of a new ticket, to its requester.
    Received,
    /// A ticket assigned, to the agent.
    Assigned,
    /// A public log entry, to the other side.
    Commented,
    /// Waiting for the requester.
    Pending,
    /// Resolved: validate or reopen.
    Resolved,
    /// Closed.
    Closed,
    /// Reopened, to the provider.
    Reopened,
    /// 75 % of a service level target used.
    Sla75,
    /// A service level target passed.
    Sla100,
    /// A convention ends within a month.
    ConventionExpiring,
    /// An evolution request one filed or supports moved on.
    Evolution,
    /// An offer one's organisation subscribes to changed status, has a major incident, or a
    /// maintenance window was published, is near, started or ended.
    ServiceStatus,
}

impl Kind {
    /// Every kind, for the preferences page.
    pub const ALL: [Kind; 12] = [
        Kind::Received,
        Kind::Assigned,
        Kind::Commented,
        Kind::Pending,
        Kind::Resolved,
        Kind::Closed,
        Kind::Reopened,
        Kind::Sla75,
        Kind::Sla100,
        Kind::ConventionExpiring,
        Kind::Evolution,
        Kind::ServiceStatus,
    ];

    /// The kind's word, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Received => "received",
            Kind::Assigned => "assigned",
            Kind::Commented => "commented",
            Kind::Pending => "pending",
            Kind::Resolved => "resolved",
            Kind::Closed => "closed",
            Kind::Reopened => "reopened",
            Kind::Sla75 => "sla75",
            Kind::Sla100 => "sla100",
            Kind::ConventionExpiring => "convention_expiring",
            Kind::Evolution => "evolution",
            Kind::ServiceStatus => "service_status",
        }
    }

    /// The kind a stored word names.
    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// `From` both ways between the stored kind (`notification.kind`, `notification_mute.kind`) and
/// [`Kind`], with exhaustive matches.
macro_rules! both_ways {
    ($($variant:ident),+ $(,)?) => {
        impl From<notification::Kind> for Kind {
            fn from(value: notification::Kind) -> Self {
                match value {
                    $(notification::Kind::$variant => Kind::$variant,)+
                }
            }
        }

        impl From<Kind> for notification::Kind {
            fn from(value: Kind) -> Self {
                match value {
                    $(Kind::$variant => notification::Kind::$variant,)+
                }
            }
        }
    };
}

both_ways!(
    Received,
    Assigned,
    Commented,
    Pending,
    Resolved,
    Closed,
    Reopened,
    Sla75,
    Sla100,
    ConventionExpiring,
    Evolution,
    ServiceStatus,
);

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The requester alone: a ticket just filed, which nobody follows yet.
    Filer,
    /// The requester and the participants.
    Requester,
    /// The agent on the ticket, or its team's members when nobody holds it.
    Provider,
    /// The ticket's team and the coordinators of the offer's provider (escalations).
    Escalation,
}

/// Something that happened to a ticket, to tell.
pub struct TicketEvent<'a> {
    /// What.
    pub kind: Kind,
    /// The ticket as it is after the change.
    pub ticket: &'a ticket::Model,
    /// To whom.
    pub audience: Audience,
    /// Who did it (never told of their own act); none for the platform.
    pub actor: Option<i64>,
    /// A reason, solution or comment to quote.
    pub detail: Option<String>,
}

/// What a mail template is given.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailData {
    /// The kind (its word in JSON).
    pub kind: Kind,
    /// What it is about: a ticket's reference, a convention's title.
    pub reference: String,
    /// A ticket's title; a convention's end date.
    pub title: String,
    /// The page to open, from the site's root (the sender adds the base URL).
    pub path: String,
    /// Who did it.
    pub actor: Option<String>,
    /// A reason, solution or comment.
    pub detail: Option<String>,
    /// The detail in English, when its author gave one (service status messages): English
    /// readers get it instead of `detail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_en: Option<String>,
    /// An offer's service status word (`major_outage`…), which the texts translate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The offer a ticket or evolution event is about: its mail is held for the recipients
    /// who chose a digest of that offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<i64>,
}

async fn ids<C: ConnectionTrait>(
    db: &C,
    query: sea_orm::Select<impl sea_orm::EntityTrait>,
    column: impl sea_orm::ColumnTrait,
) -> ServiceResult<Vec<i64>> {
    Ok(query
        .select_only()
        .column(column)
        .into_tuple()
        .all(db)
        .await?)
}

/// The accounts an audience names for a ticket.
async fn recipients<C: Handle>(
    ctx: &Ctx<C>,
    ticket: &ticket::Model,
    audience: Audience,
) -> ServiceResult<BTreeSet<i64>> {
    let db = ctx;
    let mut people = BTreeSet::new();
    // A team's members are told of its tickets whoever acts, even a contact who does not read
    // the team.
    let team_members = async |team: i64| -> ServiceResult<Vec<i64>> {
        Ok(directory::team_members(ctx, vec![team])
            .await?
            .into_iter()
            .map(|(_, account)| account)
            .collect())
    };
    match audience {
        Audience::Filer => {
            people.insert(ticket.requester_id);
        }
        Audience::Requester => {
            people.insert(ticket.requester_id);
            // The actor (or the platform) reads the ticket it acts on, and so its followers.
            let participants = ctx
                .find::<ticket_participant::Entity>()
                .filter(ticket_participant::Column::TicketId.eq(ticket.id));
            people.extend(ids(db, participants, ticket_participant::Column::AccountId).await?);
        }
        Audience::Provider => match (ticket.agent_id, ticket.team_id) {
            (Some(agent), _) => {
                people.insert(agent);
            }
            (None, Some(team)) => people.extend(team_members(team).await?),
            (None, None) => {}
        },
        Audience::Escalation => {
            if let Some(team) = ticket.team_id {
                people.extend(team_members(team).await?);
            }
            // The provider of the ticket's offer, whose coordinators hear of it.
            let provider = directory::provider_of(ctx, ticket.offer_id).await?;
            people.extend(coordinators_of(ctx, &[provider]).await?);
        }
    }
    Ok(people)
}

/// The coordinators of some organisations.
pub async fn coordinators_of<C: Handle>(
    ctx: &Ctx<C>,
    organisations: &[i64],
) -> ServiceResult<BTreeSet<i64>> {
    // The platform tells them: the coordinators told of something are rarely people the actor
    // reads.
    let platform = ctx.as_platform();
    let query = platform
        .find::<account::Entity>()
        .filter(account::Column::OrganisationId.is_in(organisations.iter().copied()))
        .filter(
            account::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(account_role::Column::AccountId)
                    .from(account_role::Entity)
                    .and_where(account_role::Column::Role.eq("coordinator"))
                    .to_owned(),
            ),
        );
    Ok(ids(ctx, query, account::Column::Id)
        .await?
        .into_iter()
        .collect())
}

/// Writes the notifications of an event to the outbox, with a mail job each, on `db` (the
/// change's transaction). Inactive accounts, the actor and those who muted the kind are left
/// out.
pub async fn ticket_event<C: Handle>(ctx: &Ctx<C>, event: TicketEvent<'_>) -> ServiceResult<()> {
    ticket_event_told(ctx, event).await.map(|_| ())
}

/// [`ticket_event`], answering who the event named (the actor left out), so that a related
/// telling (a master's children) does not tell them twice.
pub async fn ticket_event_told<C: Handle>(
    ctx: &Ctx<C>,
    event: TicketEvent<'_>,
) -> ServiceResult<BTreeSet<i64>> {
    let mut people = recipients(ctx, event.ticket, event.audience).await?;
    if let Some(actor) = event.actor {
        people.remove(&actor);
    }
    let actor = match event.actor {
        // The actor's own name, told to the recipients.
        Some(id) => directory::account_names(ctx, vec![id])
            .await?
            .pop()
            .map(|(_, name)| name),
        None => None,
    };
    let side = match event.audience {
        Audience::Filer | Audience::Requester => "/portal",
        Audience::Provider | Audience::Escalation => "/desk",
    };
    crate::services::webhooks::events::ticket_event(
        ctx,
        event.kind,
        event.ticket,
        event.detail.as_deref(),
    )
    .await?;
    let data = MailData {
        kind: event.kind,
        reference: event.ticket.reference.clone(),
        title: event.ticket.title.clone(),
        path: format!("{side}/tickets/{}", event.ticket.reference),
        actor,
        detail: event.detail,
        detail_en: None,
        status: None,
        offer: Some(event.ticket.offer_id),
    };
    notify(ctx, people.clone(), &data).await?;
    Ok(people)
}

/// Writes one notification per recipient (minus inactive accounts and those who muted the
/// kind) to the outbox, each with its mail job, on `db` (the change's transaction).
pub async fn notify<C: Handle>(
    ctx: &Ctx<C>,
    people: BTreeSet<i64>,
    data: &MailData,
) -> ServiceResult<()> {
    notify_many(ctx, &[(people, data.clone())]).await
}

/// [`notify`] for several events at once (the requests of a release that moves on): the same
/// three statements whatever the number of events (the recipients, the outbox, its jobs).
pub async fn notify_many<C: Handle>(
    ctx: &Ctx<C>,
    events: &[(BTreeSet<i64>, MailData)],
) -> ServiceResult<()> {
    let everyone: BTreeSet<i64> = events
        .iter()
        .flat_map(|(people, _)| people.iter().copied())
        .collect();
    if everyone.is_empty() {
        return Ok(());
    }
    let kinds: BTreeSet<notification::Kind> = events
        .iter()
        .map(|(_, data)| notification::Kind::from(data.kind))
        .collect();
    let offers: BTreeSet<i64> = events.iter().filter_map(|(_, data)| data.offer).collect();
    let audience = recipients::read(ctx, &everyone, &kinds, &offers).await?;
    let mut rows: Vec<(String, bool, notification::ActiveModel)> = Vec::new();
    for (people, data) in events {
        rows.extend(outbox_rows(&audience, people, data, ctx.now())?);
    }
    if rows.is_empty() {
        return Ok(());
    }
    // The job finds its row by the Message-ID, known before the insert; what is held for a
    // digest has none (the digest job sends it).
    let jobs = rows
        .iter()
        .filter(|(_, held, _)| !held)
        .map(|(message_id, _, _)| NewJob {
            job: Job::Mail {
                message_id: message_id.clone(),
            },
            run_at: ctx.now(),
            dedupe_key: None,
            // With the back-off capped at an hour, about a day of trying.
            max_attempts: 30,
        })
        .collect();
    notification::Entity::insert_many(rows.into_iter().map(|(_, _, row)| row))
        .exec_without_returning(ctx)
        .await?;
    queue::enqueue_many(ctx, ctx.now(), jobs).await
}

/// One row per recipient of an event (minus inactive accounts and those who muted the kind),
/// with its Message-ID, whether it is held for a digest, and its subject in the recipient's
/// language.
fn outbox_rows(
    audience: &Recipients,
    people: &BTreeSet<i64>,
    data: &MailData,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<Vec<(String, bool, notification::ActiveModel)>> {
    let data_json = serde_json::to_string(data)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("notification data: {e}")))?;
    let reference: String = data
        .reference
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    let mut rows = Vec::new();
    for account_id in people {
        if audience
            .muted
            .contains(&(*account_id, notification::Kind::from(data.kind)))
        {
            continue;
        }
        let Some((email, language)) = audience.accounts.get(account_id) else {
            continue;
        };
        let lang = Lang::from(*language);
        let subject = lang.t_args(
            &format!("mail-{}-subject", data.kind.as_str()),
            &[
                ("reference", data.reference.clone()),
                ("title", data.title.chars().take(120).collect()),
                ("status", data.status.clone().unwrap_or_default()),
            ],
        );
        let message_id = format!("{reference}.{}@guichet", uuid::Uuid::new_v4().simple());
        let digest = data
            .offer
            .and_then(|offer| audience.digests.get(&(*account_id, offer)).cloned());
        let row = notification::ActiveModel {
            kind: Set(data.kind.into()),
            account_id: Set(*account_id),
            email: Set(email.clone()),
            language: Set(*language),
            subject: Set(subject.chars().take(200).collect()),
            data: Set(data_json.clone()),
            message_id: Set(message_id.clone()),
            sent_at: Set(None),
            created_at: Set(now),
            digest: Set(digest.clone()),
            ..Default::default()
        };
        rows.push((message_id, digest.is_some(), row));
    }
    Ok(rows)
}

/// Sends one notification (the `mail` job, on the platform's context), found by its
/// Message-ID: rendered in the recipient's language, under that Message-ID. A notification
/// already sent is not sent again.
pub async fn send(
    ctx: &Ctx,
    mailer: &crate::mail::Mailer,
    views: &crate::view::Views,
    base_url: &str,
    message_id: &str,
) -> ServiceResult<()> {
    let Some(row) = ctx
        .find::<notification::Entity>()
        .filter(notification::Column::MessageId.eq(message_id))
        .one(ctx)
        .await?
    else {
        // The account was deleted, and its notifications with it.
        return Ok(());
    };
    if row.sent_at.is_some() {
        return Ok(());
    }
    let internal = |e: String| ServiceError::Internal(anyhow::anyhow!(e));
    let data: MailData = serde_json::from_str(&row.data)
        .map_err(|e| internal(format!("notification {message_id} data: {e}")))?;
    let lang = Lang::from(row.language);
    let context = minijinja::context! {
        data => minijinja::Value::from(minijinja::value::Serde(&data)),
        link => format!("{base_url}{}", data.path),
        subject => row.subject.clone(),
        // A reply is cut there when it comes back (`mail_in::text::trim_reply`).
        reply_marker => crate::services::mail_in::text::REPLY_MARKER,
    };
    let render = |template: &str| {
        views
            .render(template, lang, "", context.clone())
            .map_err(|e| internal(format!("mail template {template}: {e}")))
    };
    let text = render("mail/notification.txt")?;
    let html = render("mail/notification.html")?;
    mailer
        .send_message(crate::mail::Outgoing {
            to: &row.email,
            subject: &row.subject,
            text: &text,
            html: Some(&html),
            message_id: &row.message_id,
        })
        .await
        .map_err(ServiceError::Internal)?;
    ctx.update_many::<notification::Entity>()
        .col_expr(notification::Column::SentAt, Expr::value(ctx.now()))
        .filter(notification::Column::Id.eq(row.id))
        .exec(ctx)
        .await?;
    Ok(())
}

/// The kinds the caller muted.
pub async fn muted<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<Kind>> {
    let kinds: Vec<notification::Kind> = ctx
        .find::<notification_mute::Entity>()
        .select_only()
        .column(notification_mute::Column::Kind)
        .into_tuple()
        .all(ctx)
        .await?;
    Ok(kinds.into_iter().map(Kind::from).collect())
}

/// Replaces the kinds the caller mutes (preferences are personal).
pub async fn set_muted(ctx: &Ctx, kinds: &[Kind]) -> ServiceResult<Vec<Kind>> {
    let tx = ctx.begin().await?;
    tx.delete_many::<notification_mute::Entity>()
        .exec(&tx)
        .await?;
    let unique: BTreeSet<notification::Kind> =
        kinds.iter().map(|k| notification::Kind::from(*k)).collect();
    if !unique.is_empty() {
        let account_id = ctx.caller().account_id;
        notification_mute::Entity::insert_many(unique.iter().map(|kind| {
            notification_mute::ActiveModel {
                account_id: Set(account_id),
                kind: Set(*kind),
            }
        }))
        .exec_without_returning(&tx)
        .await?;
    }
    tx.commit().await?;
    muted(ctx).await
}
