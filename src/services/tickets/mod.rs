//! Tickets: filing (through the catalogue's filing rule), reading and listing within the
//! caller's scope. Actions and the logs are in [`actions`], field changes in [`changes`], the
//! SLA clock in [`sla`], saved views in [`views`].

pub mod actions;
pub mod changes;
pub mod settings;
pub mod sla;
pub mod views;

use chrono::{DateTime, Utc};
use entity::{
    account, offer, organisation, service_subcategory, ticket, ticket_history, ticket_sequence,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::{
        catalogue::{ExtraField, RequestKind},
        lifecycle::{self, Action, Side, Status},
        priority::{Impact, Urgency},
        sla::Priority,
        sla_clock::Outcome,
    },
    error::AppError,
    markdown,
    services::{
        PageRequest, Paged, Problems,
        catalogue::{filing, offers},
        required_text,
    },
};

/// Where a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The contacts' portal.
    Portal,
    /// The desk (an agent filing for a contact).
    Desk,
    /// The API.
    Api,
    /// An e-mail.
    Email,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Portal => "portal",
            Origin::Desk => "desk",
            Origin::Api => "api",
            Origin::Email => "email",
        }
    }
}

/// Who may see a ticket besides its requester, participants and providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Every contact of the requester's organisation (a colleague can take over).
    Organisation,
    /// The requester and participants only, on the client side.
    Private,
}

/// A person or team named in a ticket.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A ticket as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketView {
    /// Reference, e.g. `I-000042`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `incident` or `request`.
    pub kind: RequestKind,
    /// Title.
    pub title: String,
    /// Description, Markdown as written.
    pub description: String,
    /// Description rendered and sanitised.
    pub description_html: String,
    /// Where it stands.
    pub status: Status,
    /// Impact.
    pub impact: Impact,
    /// Urgency.
    pub urgency: Urgency,
    /// Priority from the matrix, stored.
    pub priority: Priority,
    /// Where it came from.
    pub origin: Origin,
    /// Visibility.
    pub visibility: Visibility,
    /// The requester's organisation.
    pub organisation: Named,
    /// The offer.
    pub offer: Named,
    /// The subcategory.
    pub subcategory: Named,
    /// The requester.
    pub requester: Named,
    /// The team on it.
    pub team: Option<Named>,
    /// The agent on it.
    pub agent: Option<Named>,
    /// Extra fields.
    pub module: Option<String>,
    /// Extra fields.
    pub affected_version: Option<String>,
    /// Extra fields.
    pub environment: Option<String>,
    /// Extra fields.
    pub page_url: Option<String>,
    /// Extra fields.
    pub event_at: Option<DateTime<Utc>>,
    /// Extra fields.
    pub people_affected: Option<i32>,
    /// Why it waits.
    pub pending_reason: Option<String>,
    /// The solution given.
    pub solution: Option<String>,
    /// 1 (very satisfied) to 4 (dissatisfied), when rated at close.
    pub satisfaction: Option<i16>,
    /// Comment given with the rating.
    pub satisfaction_comment: Option<String>,
    /// Parent incident's reference.
    pub parent: Option<String>,
    /// What the reader may do now.
    pub allowed_actions: Vec<Action>,
    /// Whether the reader works this ticket (provider side): private log, qualification.
    pub provider_side: bool,
    /// Whether the reader stands on the requester's side (the requester or a colleague), not
    /// merely following it as a participant.
    pub requester_side: bool,
    /// Participants: accounts that follow the ticket (filled in for a single ticket).
    pub participants: Vec<Named>,
    /// Attached files (filled in for a single ticket, empty in lists).
    pub attachments: Vec<crate::services::catalogue::attachments::AttachmentView>,
    /// The service level measured against; none: no SLA applies.
    pub sla_id: Option<i64>,
    /// Time to own: deadline while the clock runs.
    pub tto_deadline: Option<DateTime<Utc>>,
    /// Time to resolve: deadline while the clock runs (none while pending).
    pub ttr_deadline: Option<DateTime<Utc>>,
    /// Time to own: `met` or `passed` once stopped.
    pub tto_outcome: Option<crate::domain::sla_clock::Outcome>,
    /// Time to resolve: `met` or `passed` once stopped.
    pub ttr_outcome: Option<crate::domain::sla_clock::Outcome>,
    /// Time to own: business minutes beyond the target, once stopped.
    pub tto_overrun_minutes: Option<i32>,
    /// Time to resolve: business minutes beyond the target, once stopped.
    pub ttr_overrun_minutes: Option<i32>,
    /// Time to own: business minutes left while the clock runs, negative when late (filled in
    /// for a single ticket).
    pub tto_left_minutes: Option<i64>,
    /// Time to resolve: business minutes left while the clock runs, negative when late.
    pub ttr_left_minutes: Option<i64>,
    /// Time to resolve: target in business minutes.
    pub ttr_target_minutes: Option<i32>,
    /// Time to resolve: business minutes banked (up to the last pause or stop).
    pub ttr_spent_minutes: i64,
    /// For optimistic locking.
    pub revision: i32,
    /// Timestamps.
    pub created_at: DateTime<Utc>,
    /// Timestamps.
    pub updated_at: DateTime<Utc>,
    /// Timestamps.
    pub assigned_at: Option<DateTime<Utc>>,
    /// Timestamps.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Timestamps.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A new ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    /// Subcategory id (its offer follows).
    pub subcategory: i64,
    /// Title.
    pub title: String,
    /// Description, Markdown.
    pub description: String,
    /// Impact.
    pub impact: Impact,
    /// Urgency.
    pub urgency: Urgency,
    /// Defaults to `organisation`.
    pub visibility: Option<Visibility>,
    /// Extra field (required by some subcategories).
    pub module: Option<String>,
    /// Extra field.
    pub version: Option<String>,
    /// Extra field.
    pub environment: Option<String>,
    /// Extra field.
    pub page_url: Option<String>,
    /// Extra field.
    pub event_at: Option<DateTime<Utc>>,
    /// Extra field.
    pub people_affected: Option<i32>,
    /// The contact this ticket is filed for, by an agent, coordinator or admin of the offer's
    /// provider (desk or API); the filing rule is the contact's organisation's. Absent: the
    /// caller files for themself.
    #[serde(default)]
    pub requester: Option<i64>,
}

/// The sides a caller stands on for a ticket of an offer provided by `provider_id`: the
/// provider's (admin, an agent whose teams deliver the offer or hold the ticket, a coordinator
/// of the provider) and the requester's (the requester, or a contact of its organisation — a
/// colleague can take over). One can stand on both.
pub fn sides(caller: &Caller, row: &ticket::Model, provider_id: i64) -> Vec<Side> {
    let scope = &caller.scope;
    let mut sides = Vec::new();
    if provider_side(scope, row, provider_id) {
        sides.push(Side::Provider);
    }
    if row.requester_id == caller.account_id
        || (scope.contact && scope.subtree.contains(&row.organisation_id))
    {
        sides.push(Side::Requester);
    }
    sides
}

/// Whether a scope stands on the provider's side of a ticket (see `sides`).
pub fn provider_side(scope: &crate::access::Scope, row: &ticket::Model, provider_id: i64) -> bool {
    scope.admin
        || scope.delivered_offers.contains(&row.offer_id)
        || row.team_id.is_some_and(|t| scope.team_ids.contains(&t))
        || scope.managed.contains(&provider_id)
}

/// The actions `caller` may take now.
pub fn allowed_for(caller: &Caller, row: &ticket::Model, provider_id: i64) -> Vec<Action> {
    let status = Status::parse(&row.status).unwrap_or(Status::Closed);
    let mut actions: Vec<Action> = Vec::new();
    for side in sides(caller, row, provider_id) {
        for action in lifecycle::allowed(status, side) {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
    }
    actions
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

fn word<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Builds the views of some tickets: names in one query per table.
pub async fn views<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    rows: Vec<ticket::Model>,
) -> Result<Vec<TicketView>, AppError> {
    let people: Vec<(i64, String)> = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(
            account::Column::Id.is_in(
                rows.iter()
                    .flat_map(|t| [Some(t.requester_id), t.agent_id])
                    .flatten(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let orgs: Vec<(i64, String)> = Unscoped::find::<organisation::Entity>()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(organisation::Column::Id.is_in(rows.iter().map(|t| t.organisation_id)))
        .into_tuple()
        .all(db)
        .await?;
    let offer_rows: Vec<(i64, String, i64)> = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .column(offer::Column::ProviderId)
        .filter(offer::Column::Id.is_in(rows.iter().map(|t| t.offer_id)))
        .into_tuple()
        .all(db)
        .await?;
    let offers: Vec<(i64, String)> = offer_rows
        .iter()
        .map(|(id, code, _)| (*id, code.clone()))
        .collect();
    let provider_of = |offer_id: i64| {
        offer_rows
            .iter()
            .find(|(id, _, _)| *id == offer_id)
            .map(|(_, _, provider)| *provider)
            .unwrap_or_default()
    };
    let subs: Vec<(i64, String)> = Unscoped::find::<service_subcategory::Entity>()
        .select_only()
        .column(service_subcategory::Column::Id)
        .column(service_subcategory::Column::Name)
        .filter(service_subcategory::Column::Id.is_in(rows.iter().map(|t| t.subcategory_id)))
        .into_tuple()
        .all(db)
        .await?;
    let teams: Vec<(i64, String)> = Unscoped::find::<entity::team::Entity>()
        .select_only()
        .column(entity::team::Column::Id)
        .column(entity::team::Column::Name)
        .filter(entity::team::Column::Id.is_in(rows.iter().filter_map(|t| t.team_id)))
        .into_tuple()
        .all(db)
        .await?;
    let parents: Vec<(i64, String)> = Unscoped::find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::Id)
        .column(ticket::Column::Reference)
        .filter(ticket::Column::Id.is_in(rows.iter().filter_map(|t| t.parent_id)))
        .into_tuple()
        .all(db)
        .await?;
    let named = |list: &[(i64, String)], id: i64| Named {
        id,
        name: list
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default(),
    };
    Ok(rows
        .into_iter()
        .map(|t| {
            let sides = sides(caller, &t, provider_of(t.offer_id));
            TicketView {
                allowed_actions: allowed_for(caller, &t, provider_of(t.offer_id)),
                provider_side: sides.contains(&Side::Provider),
                requester_side: sides.contains(&Side::Requester),
                attachments: Vec::new(),
                participants: Vec::new(),
                description_html: markdown::to_safe_html(&t.description),
                kind: RequestKind::parse(&t.kind).unwrap_or(RequestKind::Request),
                status: Status::parse(&t.status).unwrap_or(Status::New),
                impact: parse(&t.impact).unwrap_or(Impact::Person),
                urgency: parse(&t.urgency).unwrap_or(Urgency::Low),
                priority: parse(&t.priority).unwrap_or(Priority::Low),
                origin: parse(&t.origin).unwrap_or(Origin::Api),
                visibility: parse(&t.visibility).unwrap_or(Visibility::Private),
                organisation: named(&orgs, t.organisation_id),
                offer: named(&offers, t.offer_id),
                subcategory: named(&subs, t.subcategory_id),
                requester: named(&people, t.requester_id),
                team: t.team_id.map(|id| named(&teams, id)),
                agent: t.agent_id.map(|id| named(&people, id)),
                parent: t.parent_id.map(|id| named(&parents, id).name),
                reference: t.reference,
                title: t.title,
                description: t.description,
                module: t.module,
                affected_version: t.affected_version,
                environment: t.environment,
                page_url: t.page_url,
                event_at: t.event_at,
                people_affected: t.people_affected,
                pending_reason: t.pending_reason,
                solution: t.solution,
                satisfaction: t.satisfaction,
                satisfaction_comment: t.satisfaction_comment,
                revision: t.revision,
                created_at: t.created_at,
                updated_at: t.updated_at,
                assigned_at: t.assigned_at,
                resolved_at: t.resolved_at,
                closed_at: t.closed_at,
                sla_id: t.sla_id,
                tto_deadline: t.tto_deadline,
                ttr_deadline: t.ttr_deadline,
                tto_outcome: t.tto_outcome.as_deref().and_then(Outcome::parse),
                ttr_outcome: t.ttr_outcome.as_deref().and_then(Outcome::parse),
                tto_overrun_minutes: t.tto_overrun_minutes,
                ttr_overrun_minutes: t.ttr_overrun_minutes,
                ttr_target_minutes: t.ttr_target_minutes,
                tto_left_minutes: None,
                ttr_left_minutes: None,
                ttr_spent_minutes: t.ttr_spent_seconds / 60,
            }
        })
        .collect())
}

/// The ticket row with this reference, if the caller reads it (404 otherwise).
pub async fn row<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    reference: &str,
) -> Result<ticket::Model, AppError> {
    db.find::<ticket::Entity>()
        .filter(ticket::Column::Reference.eq(reference.trim().to_uppercase()))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)
}

/// One ticket.
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
) -> Result<TicketView, AppError> {
    let row = row(db, reference).await?;
    let id = row.id;
    let clocks = sla::Clocks::of(&row);
    let level = sla::level(db.conn(), row.sla_id).await?;
    let mut view = views(db.conn(), caller, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    view.attachments = actions::files(db, &view, id).await?;
    view.participants = participants(db.conn(), id).await?;
    if let Some(level) = level {
        let now = db.now();
        let left = |clock: &crate::domain::sla_clock::MetricClock| {
            clock
                .running()
                .then(|| clock.left_minutes(&level.calendar, now))
                .flatten()
        };
        view.tto_left_minutes = left(&clocks.tto);
        view.ttr_left_minutes = left(&clocks.ttr);
    }
    Ok(view)
}

/// A ticket's participants, by name (bounded: at most 50 are added at once, and a ticket has
/// few).
pub async fn participants<C: ConnectionTrait>(
    db: &C,
    ticket_id: i64,
) -> Result<Vec<Named>, AppError> {
    let rows: Vec<(i64, String)> = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(
            account::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(entity::ticket_participant::Column::AccountId)
                    .from(entity::ticket_participant::Entity)
                    .and_where(entity::ticket_participant::Column::TicketId.eq(ticket_id))
                    .to_owned(),
            ),
        )
        .order_by_asc(account::Column::DisplayName)
        .limit(500)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Named { id, name })
        .collect())
}

/// The ticket reference of kind `kind` with number `n`: `I-000042`.
pub fn reference(kind: RequestKind, n: i64) -> String {
    let letter = match kind {
        RequestKind::Incident => 'I',
        RequestKind::Request => 'R',
        RequestKind::Evolution => 'E',
    };
    format!("{letter}-{n:06}")
}

/// Which required extra fields a new ticket leaves empty.
pub fn missing_fields(required: &[ExtraField], new: &NewTicket) -> Vec<ExtraField> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    required
        .iter()
        .copied()
        .filter(|field| match field {
            ExtraField::Version => blank(&new.version),
            ExtraField::Module => blank(&new.module),
            ExtraField::PageUrl => blank(&new.page_url),
            ExtraField::Environment => blank(&new.environment),
            ExtraField::EventAt => new.event_at.is_none(),
            ExtraField::PeopleAffected => new.people_affected.is_none(),
        })
        .collect()
}

/// The contact a ticket is filed for, with its own scope so that the filing rule is its own
/// organisation's. Only the offer's provider files for a contact (403 otherwise); the account
/// must be an active contact (422 on `requester` otherwise). Contacts of client organisations
/// are outside an agent's account scope, hence the unscoped read: it answers nothing but
/// "a contact you may file for or not", and only to the offer's provider.
async fn contact_to_file_for<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    offer_id: i64,
    account_id: i64,
) -> Result<Caller, AppError> {
    may_file_for_contacts(db, caller, offer_id).await?;
    let contact = crate::auth::load_caller(db.conn(), account_id, None)
        .await?
        .ok_or_else(not_a_contact)?;
    if !contact.has(crate::domain::role::Role::Contact) {
        return Err(not_a_contact());
    }
    Ok(contact)
}

/// Whether the caller files tickets for contacts on this offer: its provider only (403).
async fn may_file_for_contacts<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    offer_id: i64,
) -> Result<(), AppError> {
    let provider_id = actions::provider_of(db.conn(), offer_id).await?;
    let scope = &caller.scope;
    if scope.admin
        || scope.delivered_offers.contains(&offer_id)
        || scope.managed.contains(&provider_id)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the offer's provider files tickets for a contact".to_owned(),
        ))
    }
}

/// The same 422 for an unknown address and an account that is not a contact one may file for.
fn not_a_contact() -> AppError {
    AppError::field("requester", "is not a contact you may file for")
}

/// The account the desk's form names by address as the requester of a ticket on this
/// subcategory. Who may file for contacts is decided before the address is looked up, so the
/// answer tells nobody else whether an account has it; and an unknown address answers as an
/// account one may not file for.
pub async fn requester_by_email<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    subcategory: i64,
    email: &str,
) -> Result<i64, AppError> {
    let offer_id = offers::subcategory(&crate::services::catalogue::ctx_of(db), subcategory)
        .await?
        .offer_id;
    may_file_for_contacts(db, caller, offer_id).await?;
    account_by_email(db.conn(), email)
        .await?
        .ok_or_else(not_a_contact)
}

/// The id of the active account with this address, for the desk's "file for a contact" form;
/// [`create`] then decides whether the caller may file for it.
pub async fn account_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<i64>, AppError> {
    Ok(Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .filter(account::Column::Active.eq(true))
        .into_tuple()
        .one(db)
        .await?)
}

/// Files a ticket for the caller (or, from the provider's side, for a contact), through the
/// filing rule, with its priority from the current matrix, in one transaction with its first
/// history entry.
pub async fn create<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    new: NewTicket,
    origin: Origin,
) -> Result<TicketView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let subcategory =
        offers::subcategory(&crate::services::catalogue::ctx_of(db), new.subcategory).await?;
    let on_behalf = match new.requester.filter(|r| *r != caller.account_id) {
        Some(id) => Some(contact_to_file_for(db, caller, subcategory.offer_id, id).await?),
        None => None,
    };
    let requester = on_behalf.as_ref().unwrap_or(caller);
    let as_requester = Scoped::new(db.conn(), &requester.scope).at(db.now());
    let allowed = filing::check(
        &crate::services::catalogue::ctx_of(&as_requester),
        new.subcategory,
    )
    .await
    .map_err(AppError::from)
    .map_err(|err| match (err, &on_behalf) {
        (AppError::NotFound, Some(_)) => AppError::field(
            "requester",
            "this contact's organisation has no convention on the offer",
        ),
        (err, _) => err,
    })?;
    if subcategory.kind == RequestKind::Evolution {
        return Err(AppError::field(
            "subcategory",
            "evolution requests are filed as evolutions, for the committees",
        ));
    }
    let mut problems = Problems::default();
    let title = required_text(&mut problems, "title", &new.title, 300);
    if new.description.trim().is_empty() || new.description.chars().count() > 50_000 {
        problems.add("description", "is required, at most 50000 characters");
    }
    for field in missing_fields(&subcategory.required_fields, &new) {
        problems.add(field.as_str(), "is required for this subcategory");
    }
    for (field, value, max) in [
        ("module", &new.module, 100),
        ("version", &new.version, 100),
        ("environment", &new.environment, 100),
        ("page_url", &new.page_url, 500),
    ] {
        if value.as_deref().is_some_and(|v| v.chars().count() > max) {
            problems.add(field, format!("must be at most {max} characters"));
        }
    }
    if new.people_affected.is_some_and(|n| n < 0) {
        problems.add("people_affected", "must not be negative");
    }
    problems.into_result()?;
    let matrix = settings::matrix(db.conn()).await?;
    let priority = matrix.priority(new.impact, new.urgency);
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let now = db.now();
    let level = sla::level(db.conn(), allowed.sla_id).await?;
    let clocks = sla::Clocks::started(level.as_ref(), subcategory.kind, priority, now);
    let measured = clocks.tto.target_minutes.is_some() || clocks.ttr.target_minutes.is_some();

    let txn = db.conn().begin().await?;
    // The sequence row is locked by this update until commit: numbers are never handed out
    // twice, and a rolled-back filing leaves a gap rather than a reuse.
    Unscoped::update_many::<ticket_sequence::Entity>()
        .col_expr(
            ticket_sequence::Column::NextValue,
            Expr::col(ticket_sequence::Column::NextValue).add(1),
        )
        .filter(ticket_sequence::Column::Kind.eq(subcategory.kind.as_str()))
        .exec(&txn)
        .await?;
    let next = Unscoped::find::<ticket_sequence::Entity>()
        .filter(ticket_sequence::Column::Kind.eq(subcategory.kind.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no ticket sequence")))?;
    let reference = reference(subcategory.kind, next.next_value - 1);
    let created = ticket::ActiveModel {
        reference: Set(reference.clone()),
        kind: Set(subcategory.kind.as_str().to_owned()),
        title: Set(title),
        description: Set(new.description),
        requester_id: Set(requester.account_id),
        organisation_id: Set(requester.organisation_id),
        offer_id: Set(allowed.offer_id),
        subcategory_id: Set(subcategory.id),
        convention_id: Set(Some(allowed.convention_id)),
        impact: Set(word(new.impact)),
        urgency: Set(word(new.urgency)),
        priority: Set(word(priority)),
        origin: Set(origin.as_str().to_owned()),
        status: Set(Status::New.as_str().to_owned()),
        team_id: Set(subcategory.default_team_id),
        agent_id: Set(None),
        visibility: Set(word(new.visibility.unwrap_or(Visibility::Organisation))),
        module: Set(clean(new.module)),
        affected_version: Set(clean(new.version)),
        environment: Set(clean(new.environment)),
        page_url: Set(clean(new.page_url)),
        event_at: Set(new.event_at),
        people_affected: Set(new.people_affected),
        pending_reason: Set(None),
        solution: Set(None),
        satisfaction: Set(None),
        satisfaction_comment: Set(None),
        parent_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        assigned_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        revision: Set(1),
        // "No SLA applies" is said by a ticket without one, never silently by a wrong one.
        sla_id: Set(level.as_ref().filter(|_| measured).map(|l| l.id)),
        tto_target_minutes: Set(clocks.tto.target_minutes),
        ttr_target_minutes: Set(clocks.ttr.target_minutes),
        tto_running_since: Set(clocks.tto.running_since),
        ttr_running_since: Set(clocks.ttr.running_since),
        tto_deadline: Set(clocks.tto.deadline),
        ttr_deadline: Set(clocks.ttr.deadline),
        tto_warn_at: Set(clocks.tto.warn_at),
        ttr_warn_at: Set(clocks.ttr.warn_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::services::fulltext::index_ticket(
        &txn,
        created.id,
        &created.reference,
        &created.title,
        &created.description,
    )
    .await?;
    record(
        &txn,
        created.id,
        Some(caller.account_id),
        &[("status", None, Some("new".to_owned()))],
    )
    .await?;
    crate::services::faqs::deflection::note_filing(
        &txn,
        caller.account_id,
        created.offer_id,
        created.id,
        now,
    )
    .await?;
    // The acknowledgement, to the requester even when an agent filed for them.
    crate::services::notifications::ticket_event(
        &txn,
        crate::services::notifications::TicketEvent {
            kind: crate::services::notifications::Kind::Received,
            ticket: &created,
            audience: crate::services::notifications::Audience::Requester,
            actor: None,
            detail: None,
        },
    )
    .await?;
    txn.commit().await?;
    get(db, caller, &reference).await
}

/// Appends history entries: (field, old, new).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    ticket_id: i64,
    actor: Option<i64>,
    changes: &[(&str, Option<String>, Option<String>)],
) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    ticket_history::Entity::insert_many(changes.iter().map(|(field, old, new)| {
        ticket_history::ActiveModel {
            ticket_id: Set(ticket_id),
            actor_id: Set(actor),
            field: Set((*field).to_owned()),
            old_value: Set(old.clone()),
            new_value: Set(new.clone()),
            created_at: Set(now),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Filters of the ticket lists.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketFilter {
    /// `incident` or `request`.
    pub kind: Option<RequestKind>,
    /// A status, or `open` (new, assigned, pending) / `done` (resolved, closed).
    pub status: Option<String>,
    /// Offer code.
    pub offer: Option<String>,
    /// Requester's organisation id.
    pub organisation: Option<i64>,
    /// Team id.
    pub team: Option<i64>,
    /// Agent account id.
    pub agent: Option<i64>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Words of the reference or title.
    pub q: Option<String>,
    /// `none`: the tickets no service level applies to (for the coordinators' follow-up).
    pub sla: Option<String>,
    /// `updated` (default, newest first), `created`, `priority`, or the same with `-` for
    /// ascending order… e.g. `-created`.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items per page, up to 200.
    pub per_page: Option<u64>,
}

impl TicketFilter {
    /// The filters set, as query-string pairs (paging left out): what a list page shows back
    /// and builds its paging links from, and what a saved view keeps.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((k, v));
            }
        };
        push("kind", self.kind.map(|k| k.as_str().to_owned()));
        push("status", self.status.clone());
        push("offer", self.offer.clone());
        push("organisation", self.organisation.map(|o| o.to_string()));
        push("team", self.team.map(|t| t.to_string()));
        push("agent", self.agent.map(|a| a.to_string()));
        push(
            "priority",
            self.priority.map(|p| {
                serde_json::to_value(p)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }),
        );
        push("q", self.q.clone());
        push("sla", self.sla.clone());
        push("sort", self.sort.clone());
        pairs
    }
}

/// The tickets the caller reads, filtered, sorted and paged.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    filter: &TicketFilter,
) -> Result<Paged<TicketView>, AppError> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let mut query = db.find::<ticket::Entity>();
    if let Some(kind) = filter.kind {
        query = query.filter(ticket::Column::Kind.eq(kind.as_str()));
    }
    match filter.status.as_deref() {
        None | Some("") | Some("all") => {}
        Some("open") => {
            query = query.filter(ticket::Column::Status.is_in(["new", "assigned", "pending"]));
        }
        Some("done") => query = query.filter(ticket::Column::Status.is_in(["resolved", "closed"])),
        Some(other) => {
            let status =
                Status::parse(other).ok_or_else(|| AppError::field("status", "unknown status"))?;
            query = query.filter(ticket::Column::Status.eq(status.as_str()));
        }
    }
    if let Some(code) = &filter.offer {
        let id = Unscoped::find::<offer::Entity>()
            .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
            .one(db.conn())
            .await?
            .map(|o| o.id)
            .unwrap_or(0);
        query = query.filter(ticket::Column::OfferId.eq(id));
    }
    if let Some(org) = filter.organisation {
        query = query.filter(ticket::Column::OrganisationId.eq(org));
    }
    if let Some(team) = filter.team {
        query = query.filter(ticket::Column::TeamId.eq(team));
    }
    if let Some(agent) = filter.agent {
        query = query.filter(ticket::Column::AgentId.eq(agent));
    }
    match filter.sla.as_deref() {
        None | Some("") => {}
        Some("none") => query = query.filter(ticket::Column::SlaId.is_null()),
        Some(_) => return Err(AppError::field("sla", "the only value is none")),
    }
    if let Some(priority) = filter.priority {
        query = query.filter(ticket::Column::Priority.eq(word(priority)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.replace(['%', '_'], "").to_lowercase());
        query = query.filter(
            Condition::any()
                .add(ticket::Column::Reference.eq(q.to_uppercase()))
                .add(Func::lower(Expr::col(ticket::Column::Title)).like(pattern)),
        );
    }
    let total = query.clone().count(db.conn()).await?;
    // Sort columns come from this allow-list only.
    let (column, descending) = match filter.sort.as_deref().unwrap_or("updated") {
        "updated" => (ticket::Column::UpdatedAt, true),
        "-updated" => (ticket::Column::UpdatedAt, false),
        "created" => (ticket::Column::CreatedAt, true),
        "-created" => (ticket::Column::CreatedAt, false),
        "ref" => (ticket::Column::Id, true),
        "-ref" => (ticket::Column::Id, false),
        _ => {
            return Err(AppError::field(
                "sort",
                "expected updated, created or ref, optionally with -",
            ));
        }
    };
    query = if descending {
        query
            .order_by_desc(column)
            .order_by_desc(ticket::Column::Id)
    } else {
        query.order_by_asc(column).order_by_asc(ticket::Column::Id)
    };
    let rows = query
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Paged {
        items: views(db.conn(), caller, rows).await?,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// A team and the agents who can be assigned in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Assignable {
    /// The team.
    pub team: Named,
    /// Its members.
    pub agents: Vec<Named>,
}

/// The teams the caller reads with their members, for the assign form (two queries).
pub async fn assignable<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
) -> Result<Vec<Assignable>, AppError> {
    let teams = db
        .find::<entity::team::Entity>()
        .order_by_asc(entity::team::Column::Name)
        .limit(crate::services::MAX_PER_PAGE)
        .all(db.conn())
        .await?;
    let links: Vec<(i64, i64)> = Unscoped::find::<entity::team_member::Entity>()
        .select_only()
        .column(entity::team_member::Column::TeamId)
        .column(entity::team_member::Column::AccountId)
        .filter(entity::team_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .into_tuple()
        .all(db.conn())
        .await?;
    let people: Vec<(i64, String)> = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(links.iter().map(|(_, a)| *a)))
        .filter(account::Column::Active.eq(true))
        .into_tuple()
        .all(db.conn())
        .await?;
    let members: Vec<(i64, i64, String)> = links
        .iter()
        .filter_map(|(team, account)| {
            people
                .iter()
                .find(|(id, _)| id == account)
                .map(|(id, name)| (*team, *id, name.clone()))
        })
        .collect();
    Ok(teams
        .into_iter()
        .map(|t| Assignable {
            agents: members
                .iter()
                .filter(|(team, _, _)| *team == t.id)
                .map(|(_, id, name)| Named {
                    id: *id,
                    name: name.clone(),
                })
                .collect(),
            team: Named {
                id: t.id,
                name: t.name,
            },
        })
        .collect())
}

/// Counts for the portal's home: open, resolved awaiting the caller, closed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Counts {
    /// New, assigned or pending.
    pub open: u64,
    /// Resolved, waiting for validation.
    pub resolved: u64,
    /// Closed.
    pub closed: u64,
}

/// The caller's counts, within its scope.
pub async fn counts<C: ConnectionTrait>(db: &Scoped<'_, C>) -> Result<Counts, AppError> {
    let count = |statuses: &'static [&'static str]| async move {
        db.find::<ticket::Entity>()
            .filter(ticket::Column::Status.is_in(statuses.iter().copied()))
            .count(db.conn())
            .await
    };
    Ok(Counts {
        open: count(&["new", "assigned", "pending"]).await?,
        resolved: count(&["resolved"]).await?,
        closed: count(&["closed"]).await?,
    })
}
