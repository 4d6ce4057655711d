//! Reading tickets: one ticket with its files, participants and clocks; the views of many;
//! the assign form's teams; the portal's counts.

use entity::{team, ticket};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Named, TicketView, allowed_for, log::OPEN, sides};
use crate::{
    access::Caller,
    db::{Ctx, Handle, directory},
    domain::lifecycle::Side,
    markdown,
    services::error::{ServiceError, ServiceResult},
};

/// The names a list of tickets refers to, read in one statement.
struct Referred(directory::TicketLabels);

impl Referred {
    fn named(list: &[(i64, String)], id: i64) -> Named {
        Named {
            id,
            name: list
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        }
    }

    fn offer_label(&self, offer_id: i64) -> Option<&directory::OfferLabel> {
        self.0.offers.iter().find(|o| o.id == offer_id)
    }

    fn provider_of(&self, offer_id: i64) -> i64 {
        self.offer_label(offer_id).map_or(0, |o| o.provider_id)
    }

    fn offer(&self, offer_id: i64) -> Named {
        Named {
            id: offer_id,
            name: self
                .offer_label(offer_id)
                .map(|o| o.code.clone())
                .unwrap_or_default(),
        }
    }
}

async fn referred<C: Handle>(ctx: &Ctx<C>, rows: &[ticket::Model]) -> ServiceResult<Referred> {
    let ids = directory::TicketLabelIds {
        people: rows
            .iter()
            .flat_map(|t| [Some(t.requester_id), t.agent_id])
            .flatten()
            .collect(),
        organisations: rows.iter().map(|t| t.organisation_id).collect(),
        offers: rows.iter().map(|t| t.offer_id).collect(),
        subcategories: rows.iter().map(|t| t.subcategory_id).collect(),
        teams: rows.iter().filter_map(|t| t.team_id).collect(),
        parents: rows.iter().filter_map(|t| t.parent_id).collect(),
    };
    Ok(Referred(directory::ticket_labels(ctx, ids).await?))
}

/// Builds the views of some tickets: names in one query per table.
pub async fn views<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<ticket::Model>,
) -> ServiceResult<Vec<TicketView>> {
    let names = referred(ctx, &rows).await?;
    rows.into_iter()
        .map(|t| view_of(ctx.caller(), &names, t))
        .collect()
}

/// One ticket as `caller` sees it, with the names already read.
fn view_of(caller: &Caller, names: &Referred, t: ticket::Model) -> ServiceResult<TicketView> {
    let provider_id = names.provider_of(t.offer_id);
    let sides = sides(caller, &t, provider_id);
    let named = Referred::named;
    Ok(TicketView {
        allowed_actions: allowed_for(caller, &t, provider_id)?,
        provider_side: sides.contains(&Side::Provider),
        requester_side: sides.contains(&Side::Requester),
        attachments: Vec::new(),
        participants: Vec::new(),
        description_html: None,
        kind: t.kind.into(),
        status: t.status.into(),
        impact: t.impact.into(),
        urgency: t.urgency.into(),
        priority: t.priority.into(),
        origin: t.origin.into(),
        visibility: t.visibility.into(),
        organisation: named(&names.0.organisations, t.organisation_id),
        offer: names.offer(t.offer_id),
        subcategory: named(&names.0.subcategories, t.subcategory_id),
        requester: named(&names.0.people, t.requester_id),
        team: t.team_id.map(|id| named(&names.0.teams, id)),
        agent: t.agent_id.map(|id| named(&names.0.people, id)),
        parent: t.parent_id.map(|id| named(&names.0.parents, id).name),
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
        tto_outcome: t.tto_outcome.map(Into::into),
        ttr_outcome: t.ttr_outcome.map(Into::into),
        tto_overrun_minutes: t.tto_overrun_minutes,
        ttr_overrun_minutes: t.ttr_overrun_minutes,
        ttr_target_minutes: t.ttr_target_minutes,
        tto_left_minutes: None,
        ttr_left_minutes: None,
        ttr_spent_minutes: t.ttr_spent_seconds / 60,
    })
}

/// The ticket row with this reference, if the caller reads it (404 otherwise).
pub async fn row<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<ticket::Model> {
    ctx.find::<ticket::Entity>()
        .filter(ticket::Column::Reference.eq(reference.trim().to_uppercase()))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One ticket.
pub async fn get<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<TicketView> {
    let row = row(ctx, reference).await?;
    let id = row.id;
    let level = super::sla::level(ctx, row.sla_id, row.offer_id).await?;
    let attachments = super::log::files(ctx, id).await?;
    let participants = participants(ctx, id).await?;
    detailed(ctx, row, level.as_ref(), attachments, participants).await
}

/// One ticket's whole view, from its row and what was read beside it: its service level, files
/// and participants (a ticket just filed has neither files nor participants, and its level was
/// read to file it).
pub(super) async fn detailed<C: Handle>(
    ctx: &Ctx<C>,
    row: ticket::Model,
    level: Option<&super::sla::Level>,
    attachments: Vec<crate::services::catalogue::attachments::AttachmentView>,
    participants: Vec<Named>,
) -> ServiceResult<TicketView> {
    let clocks = super::sla::Clocks::of(&row);
    let mut view = views(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)?;
    view.description_html = Some(markdown::to_safe_html(&view.description));
    view.attachments = attachments;
    view.participants = participants;
    if let Some(level) = level {
        let now = ctx.now();
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
pub async fn participants<C: Handle>(ctx: &Ctx<C>, ticket_id: i64) -> ServiceResult<Vec<Named>> {
    let followers = ctx
        .find::<entity::ticket_participant::Entity>()
        .select_only()
        .column(entity::ticket_participant::Column::AccountId)
        .filter(entity::ticket_participant::Column::TicketId.eq(ticket_id))
        .into_query();
    let rows = directory::account_names(ctx, followers).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Named { id, name })
        .collect())
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
pub async fn assignable<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<Assignable>> {
    let teams = ctx
        .find::<team::Entity>()
        .order_by_asc(team::Column::Name)
        .limit(crate::services::MAX_PER_PAGE)
        .all(ctx)
        .await?;
    // The memberships of the teams the caller reads (the list above), and their members'
    // names, for the assign form.
    let links =
        directory::team_members(ctx, teams.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
    let people: Vec<(i64, String)> =
        directory::people(ctx, links.iter().map(|(_, a)| *a).collect::<Vec<_>>())
            .await?
            .into_iter()
            .filter(|p| p.active)
            .map(|p| (p.id, p.display_name))
            .collect();
    Ok(teams
        .into_iter()
        .map(|t| Assignable {
            agents: links
                .iter()
                .filter(|(team, _)| *team == t.id)
                .filter_map(|(_, account)| people.iter().find(|(id, _)| id == account))
                .map(|(id, name)| Named {
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
pub async fn counts<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Counts> {
    let count = |statuses: &'static [ticket::Status]| async move {
        ctx.find::<ticket::Entity>()
            .filter(ticket::Column::Status.is_in(statuses.iter().copied()))
            .count(ctx)
            .await
    };
    Ok(Counts {
        open: count(&OPEN).await?,
        resolved: count(&[ticket::Status::Resolved]).await?,
        closed: count(&[ticket::Status::Closed]).await?,
    })
}
