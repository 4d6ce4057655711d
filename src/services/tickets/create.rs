//! Filing a ticket: for oneself or, from the offer's provider, for a contact; through the
//! filing rule, with its priority from the current matrix, its number from the sequence, its
//! SLA clocks started, in one transaction with its first history entry and acknowledgement.

use std::sync::Arc;

use entity::{offer, ticket};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use super::{NewTicket, Origin, TicketView, Visibility, history::TicketField, record};
use crate::{
    access::Caller,
    db::{Ctx, Handle, directory},
    domain::{
        catalogue::{ExtraField, RequestKind},
        sla::Priority,
    },
    services::{
        Problems,
        catalogue::{
            filing::{self, Allowed},
            offers::{self, SubcategoryView},
        },
        error::{ServiceError, ServiceResult},
        faqs::deflection,
        notifications::{self, Audience, Kind, TicketEvent},
        required_text,
    },
};

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
            ExtraField::Version => blank(&new.affected_version),
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
/// are outside an agent's account scope, hence the unscoped read (in `load_caller`): it answers
/// nothing but "a contact you may file for or not", and only to the offer's provider.
async fn contact_to_file_for<C: Handle>(
    ctx: &Ctx<C>,
    offer: &offer::Model,
    account_id: i64,
) -> ServiceResult<Caller> {
    may_file_for_contacts(ctx, offer)?;
    let contact = crate::auth::load_caller(ctx, account_id, None)
        .await?
        .ok_or_else(not_a_contact)?;
    if !contact.has(crate::domain::role::Role::Contact) {
        return Err(not_a_contact());
    }
    Ok(contact)
}

/// Whether the caller files tickets for contacts on this offer: its provider only (403).
fn may_file_for_contacts<C: Handle>(ctx: &Ctx<C>, offer: &offer::Model) -> ServiceResult<()> {
    let scope = ctx.scope();
    if scope.admin
        || scope.delivered_offers.contains(&offer.id)
        || scope.managed.contains(&offer.provider_id)
    {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "ticket-file-for-provider-only",
            vec![],
        ))
    }
}

/// The same 422 for an unknown address and an account that is not a contact one may file for.
fn not_a_contact() -> ServiceError {
    ServiceError::field("requester", "ticket-requester-not-contact", vec![])
}

/// The account the desk's form names by address as the requester of a ticket on this
/// subcategory. Who may file for contacts is decided before the address is looked up, so the
/// answer tells nobody else whether an account has it; and an unknown address answers as an
/// account one may not file for.
pub async fn requester_by_email<C: Handle>(
    ctx: &Ctx<C>,
    subcategory: i64,
    email: &str,
) -> ServiceResult<i64> {
    let (_, offer) = offers::subcategory_with_offer(ctx, subcategory).await?;
    may_file_for_contacts(ctx, &offer)?;
    account_by_email(ctx, email)
        .await?
        .ok_or_else(not_a_contact)
}

/// The id of the active account with this address, for the desk's "file for a contact" form;
/// [`create`] then decides whether the caller may file for it. It takes any connection (a
/// context is one): an address is unique across the platform.
pub async fn account_by_email<C: sea_orm::ConnectionTrait>(
    db: &C,
    email: &str,
) -> ServiceResult<Option<i64>> {
    // Addresses are unique across every organisation; the callers decide what the id found may
    // be used for.
    Ok(directory::active_account_by_email(db, email).await?)
}

/// Who a ticket is filed for (the caller, or a contact from the provider's side) and what the
/// filing rule allows them on the subcategory.
async fn filer<C: Handle>(
    ctx: &Ctx<C>,
    new: &NewTicket,
    subcategory: &SubcategoryView,
    offer: &offer::Model,
) -> ServiceResult<(Arc<Caller>, Allowed)> {
    let on_behalf = match new.requester.filter(|r| *r != ctx.caller().account_id) {
        Some(id) => Some(contact_to_file_for(ctx, offer, id).await?),
        None => None,
    };
    let requester = match on_behalf {
        Some(contact) => Arc::new(contact),
        None => ctx.caller_arc(),
    };
    let on_behalf = requester.account_id != ctx.caller().account_id;
    let as_requester = ctx.acting_as(requester.clone());
    let allowed = filing::check_on(&as_requester, subcategory.status, offer)
        .await
        .map_err(|err| match err {
            ServiceError::NotFound if on_behalf => {
                ServiceError::field("requester", "ticket-requester-no-convention", vec![])
            }
            err => err,
        })?;
    if subcategory.kind == RequestKind::Evolution {
        return Err(ServiceError::field(
            "subcategory",
            "ticket-evolution-elsewhere",
            vec![],
        ));
    }
    Ok((requester, allowed))
}

/// The form's rules: 422 with every problem at once; answers the trimmed title.
fn checked(new: &NewTicket, subcategory: &SubcategoryView) -> ServiceResult<String> {
    let mut problems = Problems::default();
    let title = required_text(&mut problems, "title", &new.title, 300);
    if new.description.trim().is_empty() || new.description.chars().count() > 50_000 {
        problems.rule(
            "description",
            "ticket-text-required-max",
            vec![("max", "50000".to_owned())],
        );
    }
    for field in missing_fields(&subcategory.required_fields, new) {
        problems.rule(field.ticket_field(), "ticket-field-required-here", vec![]);
    }
    for (field, value, max) in [
        ("module", &new.module, 100),
        ("affected_version", &new.affected_version, 100),
        ("environment", &new.environment, 100),
        ("page_url", &new.page_url, 500),
    ] {
        if value.as_deref().is_some_and(|v| v.chars().count() > max) {
            problems.rule(field, "field-too-long", vec![("max", max.to_string())]);
        }
    }
    if new
        .page_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty() && !crate::domain::web_address::is_web_address(u))
    {
        problems.rule("page_url", "field-url-invalid", vec![]);
    }
    if new.people_affected.is_some_and(|n| n < 0) {
        problems.rule("people_affected", "ticket-not-negative", vec![]);
    }
    problems.into_result()?;
    Ok(title)
}

/// Files a ticket for the caller (or, from the provider's side, for a contact), through the
/// filing rule, with its priority from the current matrix, in one transaction with its first
/// history entry. The checks read before the transaction opens (on SQLite, on the readers), so
/// that the transaction, which holds SQLite's one writer, only writes; under a convention with a
/// cap they are made again inside it, where SQLite counts the open tickets one filing at a time.
/// The answer is built from what was written, not read again.
pub async fn create(ctx: &Ctx, new: NewTicket, origin: Origin) -> ServiceResult<TicketView> {
    let mut decided = decide(ctx, new).await?;
    let tx = ctx.begin().await?;
    if decided.allowed.capped {
        decided = decide(&tx, decided.new).await?;
    }
    let (created, level) = write(&tx, decided, origin).await?;
    tx.commit().await?;
    super::read::detailed(ctx, created, level.as_ref(), Vec::new(), Vec::new()).await
}

/// Files a ticket as [`create`] does, inside the caller's transaction `tx` (joining a major
/// incident files the child and links it in one): answers the row, nothing committed.
pub async fn file_in<C: Handle>(
    tx: &Ctx<C>,
    new: NewTicket,
    origin: Origin,
) -> ServiceResult<ticket::Model> {
    let decided = decide(tx, new).await?;
    Ok(write(tx, decided, origin).await?.0)
}

/// What is decided about a ticket before it is written.
struct Decided {
    new: NewTicket,
    subcategory: SubcategoryView,
    requester: Arc<Caller>,
    allowed: Allowed,
    title: String,
    priority: Priority,
    level: Option<super::sla::Level>,
    /// Whether the filer saw FAQ suggestions on the offer just before.
    saw_suggestions: bool,
}

/// The checks and choices of a filing, which only read: the subcategory, who files under which
/// convention, the form's rules, the priority and the service level.
async fn decide<C: Handle>(ctx: &Ctx<C>, new: NewTicket) -> ServiceResult<Decided> {
    let (subcategory, offer) = offers::subcategory_with_offer(ctx, new.subcategory).await?;
    let (requester, allowed) = filer(ctx, &new, &subcategory, &offer).await?;
    let title = checked(&new, &subcategory)?;
    let matrix = super::settings::matrix(ctx).await?;
    let priority = matrix.priority(new.impact, new.urgency);
    let level = super::sla::level(ctx, allowed.sla_id, allowed.offer_id).await?;
    let saw_suggestions =
        deflection::seen_lately(ctx, ctx.caller().account_id, allowed.offer_id, ctx.now()).await?;
    Ok(Decided {
        new,
        subcategory,
        requester,
        allowed,
        title,
        priority,
        level,
        saw_suggestions,
    })
}

/// Writes a decided ticket in `tx`: its number, row, index, first history entry, deflection
/// note and acknowledgement. Answers the row and its service level.
async fn write<C: Handle>(
    tx: &Ctx<C>,
    decided: Decided,
    origin: Origin,
) -> ServiceResult<(ticket::Model, Option<super::sla::Level>)> {
    let Decided {
        new,
        subcategory,
        requester,
        allowed,
        title,
        priority,
        level,
        saw_suggestions,
    } = decided;
    let number = next_number(tx, subcategory.kind).await?;
    let filed = Filed {
        reference: reference(subcategory.kind, number),
        title,
        requester: &requester,
        subcategory: &subcategory,
        allowed: &allowed,
        priority,
        origin,
        level: level.as_ref(),
    };
    let created = insert(tx, filed, new).await?;
    crate::services::fulltext::index_ticket(
        tx,
        created.id,
        &created.reference,
        &created.title,
        &created.description,
    )
    .await?;
    let actor = Some(tx.caller().account_id);
    record(
        tx,
        created.id,
        actor,
        &[(TicketField::Status, None, Some("new".to_owned()))],
    )
    .await?;
    if saw_suggestions {
        deflection::note_filing(
            tx,
            tx.caller().account_id,
            created.offer_id,
            created.id,
            tx.now(),
        )
        .await?;
    }
    // The acknowledgement, to the requester even when an agent filed for them.
    let event = TicketEvent {
        kind: Kind::Received,
        ticket: &created,
        audience: Audience::Filer,
        actor: None,
        detail: None,
    };
    notifications::ticket_event(tx, event).await?;
    Ok((created, level))
}

/// The next number of a kind: never handed out twice; a rolled-back filing leaves a gap rather
/// than a reuse (see [`directory::next_number`]).
async fn next_number<C: Handle>(tx: &Ctx<C>, kind: RequestKind) -> ServiceResult<i64> {
    Ok(directory::next_number(tx, ticket::Kind::from(kind)).await?)
}

/// What was decided about a ticket being filed.
struct Filed<'a> {
    reference: String,
    title: String,
    requester: &'a Caller,
    subcategory: &'a SubcategoryView,
    allowed: &'a Allowed,
    priority: Priority,
    origin: Origin,
    level: Option<&'a super::sla::Level>,
}

/// Inserts the ticket row, its clocks started at the context's instant.
async fn insert<C: Handle>(
    tx: &Ctx<C>,
    filed: Filed<'_>,
    new: NewTicket,
) -> ServiceResult<ticket::Model> {
    let now = tx.now();
    let kind = filed.subcategory.kind;
    let clocks = super::sla::Clocks::started(filed.level, kind, filed.priority, now);
    let measured = clocks.tto.target_minutes.is_some() || clocks.ttr.target_minutes.is_some();
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(ticket::ActiveModel {
        reference: Set(filed.reference),
        kind: Set(kind.into()),
        title: Set(filed.title),
        description: Set(new.description),
        requester_id: Set(filed.requester.account_id),
        organisation_id: Set(filed.requester.organisation_id),
        offer_id: Set(filed.allowed.offer_id),
        subcategory_id: Set(filed.subcategory.id),
        convention_id: Set(Some(filed.allowed.convention_id)),
        impact: Set(new.impact.into()),
        urgency: Set(new.urgency.into()),
        priority: Set(filed.priority.into()),
        origin: Set(filed.origin.into()),
        status: Set(ticket::Status::New),
        team_id: Set(filed.subcategory.default_team_id),
        agent_id: Set(None),
        visibility: Set(new.visibility.unwrap_or(Visibility::Organisation).into()),
        module: Set(clean(new.module)),
        affected_version: Set(clean(new.affected_version)),
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
        sla_id: Set(filed.level.filter(|_| measured).map(|l| l.id)),
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
    .insert(tx)
    .await?)
}
