//! Tickets: filing ([`create`](mod@create), through the catalogue's filing rule), reading
//! ([`read`]) and listing ([`list`](mod@list)) within the caller's scope; the lifecycle actions
//! in [`actions`], the logs in [`log`](mod@log), the history in [`history`], field changes in
//! [`changes`], the SLA clock in [`sla`], saved views in [`views`](mod@views).

pub mod actions;
pub mod bulk;
pub mod changes;
pub mod create;
pub mod export;
pub mod history;
pub mod list;
pub mod log;
pub mod read;
pub mod settings;
pub mod sla;
mod states;
pub mod views;

use chrono::{DateTime, Utc};
use entity::ticket;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use self::{
    create::{account_by_email, create, file_in, missing_fields, reference, requester_by_email},
    history::record,
    list::{TicketFilter, list},
    read::{Assignable, Counts, assignable, counts, get, participants, row, views},
};
use crate::{
    access::{Caller, Scope},
    db::ProviderSide,
    domain::{
        catalogue::RequestKind,
        lifecycle::{self, Action, Side, Status},
        priority::{Impact, Urgency},
        sla::Priority,
    },
    services::error::ServiceResult,
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

/// Who may see a ticket besides its requester, participants and providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TicketVisibility)]
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
    /// Description rendered and sanitised: in a ticket's own view, not in lists (rendering 50
    /// descriptions was most of a list's cost).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_html: Option<String>,
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
#[schema(example = json!({"subcategory": 5, "title": "Envoi groupé impossible", "description": "Le bouton **Envoyer** reste grisé pour la liste L3 Droit.", "impact": "service", "urgency": "medium", "visibility": "organisation", "affected_version": "5.1"}))]
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
    /// Extra field: the version of the offer concerned, named as [`TicketView`] reads it (the
    /// subcategory's `required_fields` call it `version`).
    pub affected_version: Option<String>,
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
/// provider's (see [`ProviderSide`]) and the requester's (the requester, or a contact of its
/// organisation — a colleague can take over). One can stand on both.
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

/// Whether a scope stands on the provider's side of a ticket (the rule is [`ProviderSide`]'s).
pub fn provider_side(scope: &Scope, row: &ticket::Model, provider_id: i64) -> bool {
    ProviderSide(scope).holds(row, provider_id)
}

/// The actions `caller` may take now.
pub fn allowed_for(
    caller: &Caller,
    row: &ticket::Model,
    provider_id: i64,
) -> ServiceResult<Vec<Action>> {
    let status = status_of(row);
    let mut actions: Vec<Action> = Vec::new();
    for side in sides(caller, row, provider_id) {
        for action in lifecycle::allowed(status, side) {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
    }
    Ok(actions)
}

/// The stored status of a ticket.
fn status_of(row: &ticket::Model) -> Status {
    row.status.into()
}
