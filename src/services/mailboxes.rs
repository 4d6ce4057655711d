//! IMAP mailboxes that the collector job reads: administrators set them up anywhere,
//! coordinators for the organisations they manage. The password is sealed with the platform's
//! key on the way in and never read back: a change that leaves it blank keeps it.

use chrono::{DateTime, Utc};
use entity::{mailbox, offer};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Problems,
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::{
    auth::sealing::{Purpose, Sealer},
    db::Ctx,
    domain::mailbox::{Security, is_folder, is_host},
};

/// Mailboxes listed at most (a consortium has a handful).
const LIST_SIZE: u64 = 200;

/// Longest password accepted.
const PASSWORD_MAX: usize = 500;

fn inbox() -> String {
    "INBOX".to_owned()
}

fn handled() -> String {
    "Handled".to_owned()
}

fn yes() -> bool {
    true
}

/// A mailbox's settings, as written (creation and change alike).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "label": "Support GEFORP", "host": "imap.univ-tln.fr", "port": 993, "security": "imaps",
    "username": "geforp-support", "password": "s3cret", "folder": "INBOX",
    "handled_folder": "Handled", "offer": "GEFORP"
}))]
pub struct MailboxInput {
    /// What the desk calls it.
    pub label: String,
    /// The IMAP server's host name.
    pub host: String,
    /// Its port (993 for IMAPS, 143 for STARTTLS).
    pub port: i32,
    /// `imaps` or `starttls`.
    pub security: Security,
    /// The login.
    pub username: String,
    /// The password: required at creation; on a change, none or empty keeps the stored one.
    /// Never read back.
    #[serde(default)]
    pub password: Option<String>,
    /// The folder read (default `INBOX`).
    #[serde(default = "inbox")]
    pub folder: String,
    /// Where handled messages are moved (default `Handled`; created if missing).
    #[serde(default = "handled")]
    pub handled_folder: String,
    /// The offer (its code) whose address the mailbox serves; none: consortium-wide, each
    /// message goes to the offer whose address it was sent to.
    #[serde(default)]
    pub offer: Option<String>,
    /// The managing organisation; default the caller's. Not changed afterwards.
    #[serde(default)]
    pub organisation: Option<i64>,
    /// Whether the job reads it (default yes).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// On a change: the revision read (409 when stale).
    #[serde(default)]
    pub revision: Option<i32>,
}

/// A mailbox as its managers read it: everything but the password.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailboxView {
    /// Id.
    pub id: i64,
    /// The managing organisation.
    pub organisation: i64,
    /// The offer it serves (its code); none: consortium-wide.
    pub offer: Option<String>,
    /// What the desk calls it.
    pub label: String,
    /// Host.
    pub host: String,
    /// Port.
    pub port: i32,
    /// `imaps` or `starttls`.
    pub security: Security,
    /// Login.
    pub username: String,
    /// Whether a password is stored (it is never read back).
    pub password_set: bool,
    /// Folder read.
    pub folder: String,
    /// Folder handled messages go to.
    pub handled_folder: String,
    /// Whether the job reads it.
    pub enabled: bool,
    /// The job's last visit.
    pub last_polled_at: Option<DateTime<Utc>>,
    /// What failed at the last visit (a code: `connect`, `tls`, `login`, `folder`,
    /// `password`), none when it went well.
    pub last_error: Option<String>,
    /// Revision, for changes.
    pub revision: i32,
}

fn managers_only(ctx: &Ctx) -> ServiceResult<()> {
    if ctx.scope().manages_anything() {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "refused-mailboxes-managers",
            vec![],
        ))
    }
}

async fn offer_codes(ctx: &Ctx, ids: Vec<i64>) -> ServiceResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ctx
        .find::<offer::Entity>()
        .filter(offer::Column::Id.is_in(ids))
        .all(ctx)
        .await?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect())
}

fn view(row: mailbox::Model, codes: &[(i64, String)]) -> MailboxView {
    MailboxView {
        offer: row
            .offer_id
            .and_then(|id| codes.iter().find(|(o, _)| *o == id).map(|(_, c)| c.clone())),
        id: row.id,
        organisation: row.organisation_id,
        label: row.label,
        host: row.host,
        port: row.port,
        security: Security::parse(&row.security),
        username: row.username,
        password_set: !row.password.is_empty(),
        folder: row.folder,
        handled_folder: row.handled_folder,
        enabled: row.enabled,
        last_polled_at: row.last_polled_at,
        last_error: row.last_error,
        revision: row.revision,
    }
}

async fn views(ctx: &Ctx, rows: Vec<mailbox::Model>) -> ServiceResult<Vec<MailboxView>> {
    let codes = offer_codes(ctx, rows.iter().filter_map(|r| r.offer_id).collect()).await?;
    Ok(rows.into_iter().map(|row| view(row, &codes)).collect())
}

/// The mailboxes the caller manages (403 for those who manage nothing).
pub async fn list(ctx: &Ctx) -> ServiceResult<Vec<MailboxView>> {
    managers_only(ctx)?;
    let rows = ctx
        .find::<mailbox::Entity>()
        .order_by_asc(mailbox::Column::Label)
        .order_by_asc(mailbox::Column::Id)
        .limit(LIST_SIZE)
        .all(ctx)
        .await?;
    views(ctx, rows).await
}

async fn row(ctx: &Ctx, id: i64) -> ServiceResult<mailbox::Model> {
    ctx.find::<mailbox::Entity>()
        .filter(mailbox::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One mailbox (404 beyond reach).
pub async fn get(ctx: &Ctx, id: i64) -> ServiceResult<MailboxView> {
    managers_only(ctx)?;
    let found = row(ctx, id).await?;
    Ok(views(ctx, vec![found]).await?.remove(0))
}

/// The checked settings, ready to store.
struct Checked {
    label: String,
    host: String,
    username: String,
    password: Option<String>,
    offer_id: Option<i64>,
}

/// Checks every field, naming each wrong one; `creating` makes the password required.
async fn checked(ctx: &Ctx, input: &MailboxInput, creating: bool) -> ServiceResult<Checked> {
    let mut problems = Problems::default();
    let label = required_text(&mut problems, "label", &input.label, 200);
    let host = input.host.trim().to_ascii_lowercase();
    if !is_host(&host) {
        problems.rule("host", "field-mailbox-host", vec![]);
    }
    if !(1..=65_535).contains(&input.port) {
        problems.rule("port", "field-mailbox-port", vec![]);
    }
    let username = required_text(&mut problems, "username", &input.username, 254);
    let password = input.password.clone().filter(|p| !p.is_empty());
    match &password {
        None if creating => problems.rule("password", "field-required", vec![]),
        Some(p) if p.chars().count() > PASSWORD_MAX => problems.rule(
            "password",
            "field-too-long",
            vec![("max", PASSWORD_MAX.to_string())],
        ),
        _ => {}
    }
    for (field, value) in [
        ("folder", &input.folder),
        ("handled_folder", &input.handled_folder),
    ] {
        if !is_folder(value) {
            problems.rule(field, "field-mailbox-folder", vec![]);
        }
    }
    if input.folder == input.handled_folder {
        problems.rule("handled_folder", "field-mailbox-folders-same", vec![]);
    }
    let offer_id = match input
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(code) => {
            let found = ctx
                .find::<offer::Entity>()
                .filter(offer::Column::Code.eq(code))
                .one(ctx)
                .await?;
            if found.is_none() {
                problems.rule("offer", "field-unknown", vec![]);
            }
            found.map(|o| o.id)
        }
    };
    problems.into_result()?;
    Ok(Checked {
        label,
        host,
        username,
        password,
        offer_id,
    })
}

fn sealed(sealer: &Sealer, password: &str) -> ServiceResult<String> {
    Ok(sealer.seal(Purpose::MailboxPassword, password)?)
}

/// Adds a mailbox (403 for those who manage nothing, 404 for an organisation beyond reach, 422
/// naming each wrong field).
pub async fn create(ctx: &Ctx, sealer: &Sealer, input: MailboxInput) -> ServiceResult<MailboxView> {
    managers_only(ctx)?;
    let organisation = input.organisation.unwrap_or(ctx.caller().organisation_id);
    if !ctx.scope().manages_organisation(organisation)
        || crate::db::directory::organisation_names(ctx, vec![organisation])
            .await?
            .is_empty()
    {
        return Err(ServiceError::NotFound);
    }
    let good = checked(ctx, &input, true).await?;
    let password = sealed(sealer, good.password.as_deref().unwrap_or_default())?;
    let created = mailbox::ActiveModel {
        organisation_id: Set(organisation),
        offer_id: Set(good.offer_id),
        label: Set(good.label),
        host: Set(good.host),
        port: Set(input.port),
        security: Set(input.security.as_str().to_owned()),
        username: Set(good.username),
        password: Set(password),
        folder: Set(input.folder),
        handled_folder: Set(input.handled_folder),
        enabled: Set(input.enabled),
        last_polled_at: Set(None),
        last_error: Set(None),
        created_at: Set(ctx.now()),
        revision: Set(1),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(views(ctx, vec![created]).await?.remove(0))
}

/// Changes a mailbox (404 beyond reach, 409 when `revision` is stale, 422 naming each wrong
/// field); a blank password keeps the stored one.
pub async fn update(
    ctx: &Ctx,
    sealer: &Sealer,
    id: i64,
    input: MailboxInput,
) -> ServiceResult<MailboxView> {
    managers_only(ctx)?;
    row(ctx, id).await?;
    let revision = input
        .revision
        .ok_or_else(|| ServiceError::field("revision", "field-required", vec![]))?;
    let good = checked(ctx, &input, false).await?;
    let mut change = ctx
        .update_many::<mailbox::Entity>()
        .col_expr(mailbox::Column::OfferId, Expr::value(good.offer_id))
        .col_expr(mailbox::Column::Label, Expr::value(good.label))
        .col_expr(mailbox::Column::Host, Expr::value(good.host))
        .col_expr(mailbox::Column::Port, Expr::value(input.port))
        .col_expr(
            mailbox::Column::Security,
            Expr::value(input.security.as_str()),
        )
        .col_expr(mailbox::Column::Username, Expr::value(good.username))
        .col_expr(mailbox::Column::Folder, Expr::value(input.folder))
        .col_expr(
            mailbox::Column::HandledFolder,
            Expr::value(input.handled_folder),
        )
        .col_expr(mailbox::Column::Enabled, Expr::value(input.enabled))
        // New settings deserve a fresh report from the next visit.
        .col_expr(mailbox::Column::LastError, Expr::value(None::<String>))
        // Counted from the stored value: `revision` is the caller's number, and adding to it
        // here would overflow on a forged i32::MAX instead of answering 409.
        .col_expr(
            mailbox::Column::Revision,
            Expr::col(mailbox::Column::Revision).add(1),
        );
    if let Some(password) = good.password {
        change = change.col_expr(
            mailbox::Column::Password,
            Expr::value(sealed(sealer, &password)?),
        );
    }
    let done = change
        .filter(mailbox::Column::Id.eq(id))
        .filter(mailbox::Column::Revision.eq(revision))
        .exec(ctx)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
}

/// Deletes a mailbox (404 beyond reach).
pub async fn remove(ctx: &Ctx, id: i64) -> ServiceResult<()> {
    managers_only(ctx)?;
    let deleted = ctx
        .delete_many::<mailbox::Entity>()
        .filter(mailbox::Column::Id.eq(id))
        .exec(ctx)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

/// The mailboxes the collector reads (the platform's context: every organisation's).
pub async fn enabled(platform: &Ctx) -> ServiceResult<Vec<mailbox::Model>> {
    Ok(platform
        .find::<mailbox::Entity>()
        .filter(mailbox::Column::Enabled.eq(true))
        .order_by_asc(mailbox::Column::Id)
        .limit(LIST_SIZE)
        .all(platform)
        .await?)
}

/// Notes the collector's visit and what failed, if anything (a code, never a secret).
pub async fn visited(platform: &Ctx, id: i64, failure: Option<&str>) -> ServiceResult<()> {
    platform
        .update_many::<mailbox::Entity>()
        .col_expr(mailbox::Column::LastPolledAt, Expr::value(platform.now()))
        .col_expr(
            mailbox::Column::LastError,
            Expr::value(failure.map(str::to_owned)),
        )
        .filter(mailbox::Column::Id.eq(id))
        .exec(platform)
        .await?;
    Ok(())
}

/// The offers a mailbox may serve, as (code, name), for the desk's form.
pub async fn offer_choices(ctx: &Ctx) -> ServiceResult<Vec<(String, String)>> {
    managers_only(ctx)?;
    Ok(ctx
        .find::<offer::Entity>()
        .order_by_asc(offer::Column::Code)
        .limit(super::MAX_PER_PAGE)
        .all(ctx)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect())
}
