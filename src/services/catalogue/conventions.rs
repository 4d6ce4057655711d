//! Conventions (agreements) and the offers they cover.

use chrono::{NaiveDate, Utc};
use entity::{attachment, convention, convention_offer, offer, organisation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{attachments::AttachmentView, offers::OrgRef, today};
use crate::{
    db::{Scoped, Unscoped},
    domain::catalogue::{ConventionKind, ConventionStatus, effective_status},
    error::AppError,
    services::{PageRequest, Paged, Problems, required_text, stale},
};

/// A convention as shown; `status` follows the calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConventionView {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: ConventionKind,
    /// Title.
    pub title: String,
    /// The client organisation.
    pub client: OrgRef,
    /// The provider organisation.
    pub provider: OrgRef,
    /// Codes of the offers covered.
    pub offers: Vec<String>,
    /// Status today (a production convention past its end date is `expired`).
    pub status: ConventionStatus,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Description.
    pub description: String,
    /// The SLA that applies.
    pub sla_id: Option<i64>,
    /// Most open tickets at once, if capped.
    pub open_ticket_cap: Option<i32>,
    /// Yearly fee group.
    pub fee_group: Option<String>,
    /// Yearly amount, in cents.
    pub yearly_amount_cents: Option<i64>,
    /// Attached documents.
    pub documents: Vec<AttachmentView>,
    /// For optimistic locking.
    pub revision: i32,
}

/// A convention to create, or the whole new content of one (with its revision).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionInput {
    /// The revision read, when replacing.
    pub revision: Option<i32>,
    /// Kind.
    pub kind: ConventionKind,
    /// Title.
    pub title: String,
    /// Client organisation.
    pub client_id: i64,
    /// Provider organisation.
    pub provider_id: i64,
    /// Codes of the offers covered.
    pub offers: Vec<String>,
    /// `draft` (default) or `production`; `terminate` ends one early.
    pub status: Option<ConventionStatus>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, on or after the first.
    pub end_date: NaiveDate,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The SLA that applies (the provider's).
    pub sla_id: Option<i64>,
    /// Most open tickets at once.
    pub open_ticket_cap: Option<i32>,
    /// Yearly fee group.
    pub fee_group: Option<String>,
    /// Yearly amount, in cents.
    pub yearly_amount_cents: Option<i64>,
}

/// Filters of the convention list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConventionFilter {
    /// Only this client's.
    pub client: Option<i64>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items per page.
    pub per_page: Option<u64>,
}

async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<convention::Model>,
) -> Result<Vec<ConventionView>, AppError> {
    let org_ids: Vec<i64> = rows
        .iter()
        .flat_map(|c| [c.client_id, c.provider_id])
        .collect();
    let orgs = Unscoped::find::<organisation::Entity>()
        .filter(organisation::Column::Id.is_in(org_ids))
        .all(db)
        .await?;
    let links = Unscoped::find::<convention_offer::Entity>()
        .filter(convention_offer::Column::ConventionId.is_in(rows.iter().map(|c| c.id)))
        .all(db)
        .await?;
    let codes: Vec<(i64, String)> = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .filter(offer::Column::Id.is_in(links.iter().map(|l| l.offer_id)))
        .into_tuple()
        .all(db)
        .await?;
    let covered: Vec<(i64, String)> = links
        .iter()
        .filter_map(|l| {
            codes
                .iter()
                .find(|(id, _)| *id == l.offer_id)
                .map(|(_, code)| (l.convention_id, code.clone()))
        })
        .collect();
    let documents = Unscoped::find::<attachment::Entity>()
        .filter(attachment::Column::OwnerKind.eq(attachment::OwnerKind::Convention))
        .filter(attachment::Column::OwnerId.is_in(rows.iter().map(|c| c.id)))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    let org = |id: i64| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| OrgRef {
                id,
                code: o.code.clone(),
                name: o.name.clone(),
            })
            .unwrap_or(OrgRef {
                id,
                code: String::new(),
                name: String::new(),
            })
    };
    let today = today();
    Ok(rows
        .into_iter()
        .map(|c| {
            let stored = ConventionStatus::parse(&c.status).unwrap_or(ConventionStatus::Draft);
            ConventionView {
                id: c.id,
                kind: ConventionKind::parse(&c.kind).unwrap_or(ConventionKind::Usage),
                title: c.title,
                client: org(c.client_id),
                provider: org(c.provider_id),
                offers: covered
                    .iter()
                    .filter(|(id, _)| *id == c.id)
                    .map(|(_, code)| code.clone())
                    .collect(),
                status: effective_status(stored, c.end_date, today),
                start_date: c.start_date,
                end_date: c.end_date,
                description: c.description,
                sla_id: c.sla_id,
                open_ticket_cap: c.open_ticket_cap,
                fee_group: c.fee_group,
                yearly_amount_cents: c.yearly_amount_cents,
                documents: documents
                    .iter()
                    .filter(|d| d.owner_id == c.id)
                    .cloned()
                    .map(AttachmentView::from)
                    .collect(),
                revision: c.revision,
            }
        })
        .collect())
}

/// The conventions the caller reads, latest end first.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    filter: &ConventionFilter,
) -> Result<Paged<ConventionView>, AppError> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let mut query = db.find::<convention::Entity>();
    if let Some(client) = filter.client {
        query = query.filter(convention::Column::ClientId.eq(client));
    }
    let total = query.clone().count(db.conn()).await?;
    let rows = query
        .order_by_desc(convention::Column::EndDate)
        .order_by_asc(convention::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Paged {
        items: views(db.conn(), rows).await?,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One convention (404 outside the caller's reach).
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<ConventionView, AppError> {
    let row = db
        .find::<convention::Entity>()
        .filter(convention::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    views(db.conn(), vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Checks an input; answers the covered offers' ids.
async fn validate<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    input: &ConventionInput,
) -> Result<Vec<i64>, AppError> {
    let mut problems = Problems::default();
    required_text(&mut problems, "title", &input.title, 300);
    if input.end_date < input.start_date {
        problems.add("end_date", "must be on or after the start date");
    }
    if input.description.chars().count() > 20_000 {
        problems.add("description", "must be at most 20000 characters");
    }
    if matches!(input.status, Some(ConventionStatus::Expired)) {
        problems.add(
            "status",
            "a convention expires by the calendar, not by hand",
        );
    }
    if input.open_ticket_cap.is_some_and(|cap| cap < 1) {
        problems.add(
            "open_ticket_cap",
            "must be at least 1 (or absent for no cap)",
        );
    }
    if input.yearly_amount_cents.is_some_and(|a| a < 0) {
        problems.add("yearly_amount_cents", "must not be negative");
    }
    let client = crate::services::organisations::get(db, input.client_id).await;
    if client.is_err() {
        problems.add("client_id", "no such organisation");
    }
    if crate::services::organisations::get(db, input.provider_id)
        .await
        .is_err()
    {
        problems.add("provider_id", "no such organisation");
    }
    if input.offers.is_empty() || input.offers.len() > 100 {
        problems.add("offers", "cover 1 to 100 offers");
    }
    let codes: Vec<String> = input
        .offers
        .iter()
        .map(|c| c.trim().to_uppercase())
        .collect();
    let found: Vec<(i64, String)> = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .filter(offer::Column::Code.is_in(codes.clone()))
        .into_tuple()
        .all(db.conn())
        .await?;
    if let Some(missing) = codes.iter().find(|c| !found.iter().any(|(_, f)| f == *c)) {
        problems.add("offers", format!("no offer has the code {missing}"));
    }
    if let Some(sla_id) = input.sla_id {
        match super::slas::get(db, sla_id).await {
            Ok(sla) if sla.provider_id == input.provider_id => {}
            Ok(_) => problems.add("sla_id", "this SLA belongs to another provider"),
            Err(_) => problems.add("sla_id", "no such SLA"),
        }
    }
    problems.into_result()?;
    Ok(found.into_iter().map(|(id, _)| id).collect())
}

async fn set_offers<C: ConnectionTrait>(db: &C, id: i64, offers: &[i64]) -> Result<(), AppError> {
    Unscoped::delete_many::<convention_offer::Entity>()
        .filter(convention_offer::Column::ConventionId.eq(id))
        .exec(db)
        .await?;
    convention_offer::Entity::insert_many(offers.iter().map(|offer_id| {
        convention_offer::ActiveModel {
            convention_id: Set(id),
            offer_id: Set(*offer_id),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Creates a convention for a provider the caller manages, with the offers it covers, in one
/// transaction.
pub async fn create<C>(
    db: &Scoped<'_, C>,
    input: ConventionInput,
) -> Result<ConventionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let offers = validate(db, &input).await?;
    if !db.scope().manages_organisation(input.provider_id) {
        return Err(AppError::Forbidden(
            "you do not manage this provider's conventions".to_owned(),
        ));
    }
    let now = Utc::now();
    let txn = db.conn().begin().await?;
    let row = convention::ActiveModel {
        kind: Set(input.kind.as_str().to_owned()),
        title: Set(input.title.trim().to_owned()),
        client_id: Set(input.client_id),
        provider_id: Set(input.provider_id),
        status: Set(input
            .status
            .unwrap_or(ConventionStatus::Draft)
            .as_str()
            .to_owned()),
        start_date: Set(input.start_date),
        end_date: Set(input.end_date),
        description: Set(input.description),
        sla_id: Set(input.sla_id),
        open_ticket_cap: Set(input.open_ticket_cap),
        fee_group: Set(input.fee_group.filter(|f| !f.trim().is_empty())),
        yearly_amount_cents: Set(input.yearly_amount_cents),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_offers(&txn, row.id, &offers).await?;
    txn.commit().await?;
    get(db, row.id).await
}

/// The convention, if the caller may change it: 404 if unreadable, 403 if read-only.
pub async fn managed<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<ConventionView, AppError> {
    let current = get(db, id).await?;
    if !db.scope().manages_organisation(current.provider.id) {
        return Err(AppError::Forbidden(
            "you may read this convention but not change it".to_owned(),
        ));
    }
    Ok(current)
}

/// Replaces a convention's content (409 on a stale revision).
pub async fn replace<C>(
    db: &Scoped<'_, C>,
    id: i64,
    input: ConventionInput,
) -> Result<ConventionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = managed(db, id).await?;
    let revision = input
        .revision
        .ok_or_else(|| AppError::field("revision", "is required"))?;
    let offers = validate(db, &input).await?;
    if !db.scope().manages_organisation(input.provider_id) {
        return Err(AppError::Forbidden(
            "you do not manage this provider's conventions".to_owned(),
        ));
    }
    let txn = db.conn().begin().await?;
    let scoped = Scoped::new(&txn, db.scope());
    let result = scoped
        .update_many::<convention::Entity>()
        .col_expr(convention::Column::Kind, Expr::value(input.kind.as_str()))
        .col_expr(convention::Column::Title, Expr::value(input.title.trim()))
        .col_expr(convention::Column::ClientId, Expr::value(input.client_id))
        .col_expr(
            convention::Column::ProviderId,
            Expr::value(input.provider_id),
        )
        .col_expr(
            convention::Column::Status,
            Expr::value(input.status.unwrap_or(current.status).as_str()),
        )
        .col_expr(convention::Column::StartDate, Expr::value(input.start_date))
        .col_expr(convention::Column::EndDate, Expr::value(input.end_date))
        .col_expr(
            convention::Column::Description,
            Expr::value(input.description),
        )
        .col_expr(convention::Column::SlaId, Expr::value(input.sla_id))
        .col_expr(
            convention::Column::OpenTicketCap,
            Expr::value(input.open_ticket_cap),
        )
        .col_expr(convention::Column::FeeGroup, Expr::value(input.fee_group))
        .col_expr(
            convention::Column::YearlyAmountCents,
            Expr::value(input.yearly_amount_cents),
        )
        .col_expr(
            convention::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(convention::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(convention::Column::Id.eq(id))
        .filter(convention::Column::Revision.eq(revision))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(stale());
    }
    set_offers(&txn, id, &offers).await?;
    txn.commit().await?;
    get(db, id).await
}

/// Ends a convention early: only one in production can be terminated (409 otherwise).
pub async fn terminate<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
    revision: i32,
) -> Result<ConventionView, AppError> {
    let current = managed(db, id).await?;
    if current.status != ConventionStatus::Production {
        return Err(AppError::Conflict {
            message: format!(
                "only a convention in production can be terminated; this one is {}",
                current.status.as_str()
            ),
            details: serde_json::json!({ "status": current.status }),
        });
    }
    let result = db
        .update_many::<convention::Entity>()
        .col_expr(
            convention::Column::Status,
            Expr::value(ConventionStatus::Terminated.as_str()),
        )
        .col_expr(
            convention::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(convention::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(convention::Column::Id.eq(id))
        .filter(convention::Column::Revision.eq(revision))
        .exec(db.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(stale());
    }
    get(db, id).await
}

/// Conventions in production whose end comes within `days` of `today` (at most 500 a day: the
/// consortium has a few hundred).
pub async fn ending_soon<C: ConnectionTrait>(
    db: &C,
    today: chrono::NaiveDate,
    days: i64,
) -> Result<Vec<convention::Model>, AppError> {
    Ok(crate::db::Unscoped::find::<convention::Entity>()
        .filter(convention::Column::Status.eq("production"))
        .filter(convention::Column::EndDate.gte(today))
        .filter(convention::Column::EndDate.lte(today + chrono::Duration::days(days)))
        .limit(500)
        .all(db)
        .await?)
}

/// Tells the coordinators of the client and of the provider (and above) that a convention ends
/// soon.
pub async fn warn_ending<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    use crate::services::notifications::{self, Kind, MailData};
    let Some(row) = crate::db::Unscoped::find::<convention::Entity>()
        .filter(convention::Column::Id.eq(id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    // The coordinators of both parties and of the organisations above them (the consortium's
    // coordination manages every establishment's agreements).
    let mut organisations = crate::auth::organisation_ancestors(db, row.client_id).await?;
    organisations.extend(crate::auth::organisation_ancestors(db, row.provider_id).await?);
    let people = notifications::coordinators_of(db, &organisations).await?;
    let data = MailData {
        kind: Kind::ConventionExpiring,
        reference: row.title.clone(),
        title: row.end_date.format("%d/%m/%Y").to_string(),
        path: format!("/desk/conventions/{}", row.id),
        actor: None,
        detail: None,
    };
    let platform = std::sync::Arc::new(crate::access::Caller::platform());
    Ok(notifications::notify(&crate::db::Ctx::new(db, platform, now), people, &data).await?)
}
