//! Conventions (agreements) and the offers they cover.

use chrono::NaiveDate;
use entity::{attachment, convention, convention_offer};
use futures::Stream;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, Query, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{attachments::AttachmentView, offers::OrgRef, today};
use crate::{
    db::{Ctx, Handle, directory},
    domain::catalogue::{ConventionKind, ConventionStatus, effective_status},
    i18n::Lang,
    services::{
        Paged, Problems,
        error::{ServiceError, ServiceResult},
        listing::{self, Sort, SortColumn},
        required_text,
    },
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
#[schema(example = json!({"kind": "usage", "title": "Convention d'usage EVA, Université Rennes 2", "client_id": 7, "provider_id": 4, "offers": ["EVA"], "status": "production", "start_date": "2027-01-01", "end_date": "2029-12-31", "description": "Usage d'EVA pour les modalités de contrôle des connaissances.", "sla_id": 3, "open_ticket_cap": 20, "fee_group": "B", "yearly_amount_cents": 250000}))]
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

/// Filters, sort and paging of the convention list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConventionFilter {
    /// Only this client's.
    pub client: Option<i64>,
    /// Only this provider's.
    pub provider: Option<i64>,
    /// Only those covering this offer (its code).
    pub offer: Option<String>,
    /// `end` (default, latest end first), `start`, `title`, `kind`, `client`, `provider`, or
    /// the same with `-` for the other order.
    pub sort: Option<String>,
    /// `csv`: the whole list as a CSV file (the API also answers CSV to `Accept: text/csv`).
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    pub sep: Option<String>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items per page, up to 200.
    pub per_page: Option<u64>,
}

impl ConventionFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("client", self.client.map(|c| c.to_string())),
            ("provider", self.provider.map(|p| p.to_string())),
            ("offer", self.offer.clone()),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the convention list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConventionColumn {
    /// Title.
    Title,
    /// Kind.
    Kind,
    /// The client's name.
    Client,
    /// The provider's name.
    Provider,
    /// Start date.
    Start,
    /// End date.
    End,
}

impl SortColumn for ConventionColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("title", Self::Title),
        ("kind", Self::Kind),
        ("client", Self::Client),
        ("provider", Self::Provider),
        ("start", Self::Start),
        ("end", Self::End),
    ];

    fn key(self) -> SimpleExpr {
        match self {
            Self::Title => Expr::col((convention::Entity, convention::Column::Title)),
            Self::Kind => Expr::col((convention::Entity, convention::Column::Kind)),
            Self::Client => {
                listing::organisation_name(convention::Entity, convention::Column::ClientId)
            }
            Self::Provider => {
                listing::organisation_name(convention::Entity, convention::Column::ProviderId)
            }
            Self::Start => Expr::col((convention::Entity, convention::Column::StartDate)),
            Self::End => Expr::col((convention::Entity, convention::Column::EndDate)),
        }
    }

    fn descending_first(self) -> bool {
        matches!(self, Self::Start | Self::End)
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 9] = [
    "convention-title",
    "convention-kind",
    "convention-client",
    "convention-provider",
    "convention-offers",
    "convention-start",
    "convention-end",
    "common-status",
    "convention-cap",
];

/// The codes of the offers each convention covers, as (convention, code) pairs.
async fn covered_offers<C: Handle>(ctx: &Ctx<C>, ids: &[i64]) -> ServiceResult<Vec<(i64, String)>> {
    let links = ctx
        .find::<convention_offer::Entity>()
        .filter(convention_offer::Column::ConventionId.is_in(ids.iter().copied()))
        .all(ctx)
        .await?;
    // A convention the caller reads names its offers, even those it no longer reaches (an
    // expired convention's offer).
    let codes: Vec<(i64, String)> =
        directory::offers(ctx, links.iter().map(|l| l.offer_id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
    Ok(links
        .iter()
        .filter_map(|l| {
            codes
                .iter()
                .find(|(id, _)| *id == l.offer_id)
                .map(|(_, code)| (l.convention_id, code.clone()))
        })
        .collect())
}

/// The parties of conventions, by id.
async fn parties<C: Handle>(
    ctx: &Ctx<C>,
    rows: &[convention::Model],
) -> ServiceResult<Vec<OrganisationLabel>> {
    let org_ids: Vec<i64> = rows
        .iter()
        .flat_map(|c| [c.client_id, c.provider_id])
        .collect();
    // A convention the caller reads names both parties, which it may not read.
    Ok(directory::organisations(ctx, org_ids).await?)
}

use crate::db::directory::OrganisationLabel;

fn org_ref(orgs: &[OrganisationLabel], id: i64) -> OrgRef {
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
}

async fn views<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<convention::Model>,
) -> ServiceResult<Vec<ConventionView>> {
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let orgs = parties(ctx, &rows).await?;
    let covered = covered_offers(ctx, &ids).await?;
    let documents = ctx
        .find::<attachment::Entity>()
        .filter(attachment::Column::OwnerKind.eq(attachment::OwnerKind::Convention))
        .filter(attachment::Column::OwnerId.is_in(ids))
        .order_by_asc(attachment::Column::Id)
        .all(ctx)
        .await?;
    let today = today(ctx.now());
    Ok(rows
        .into_iter()
        .map(|c| ConventionView {
            id: c.id,
            kind: c.kind.into(),
            title: c.title,
            client: org_ref(&orgs, c.client_id),
            provider: org_ref(&orgs, c.provider_id),
            offers: covered
                .iter()
                .filter(|(id, _)| *id == c.id)
                .map(|(_, code)| code.clone())
                .collect(),
            status: effective_status(c.status.into(), c.end_date, today),
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
        })
        .collect())
}

/// The caller's conventions with the list's filters, in the order asked.
async fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ConventionFilter,
) -> ServiceResult<Select<convention::Entity>> {
    let sort = Sort::parse(filter.sort.as_deref(), ConventionColumn::End)?;
    let mut query = ctx.find::<convention::Entity>();
    if let Some(client) = filter.client {
        query = query.filter(convention::Column::ClientId.eq(client));
    }
    if let Some(provider) = filter.provider {
        query = query.filter(convention::Column::ProviderId.eq(provider));
    }
    if let Some(code) = filter
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let offer = directory::offers_by_code(ctx, [code.to_uppercase()])
            .await?
            .first()
            .map_or(0, |o| o.id);
        // The links of the conventions the caller reads (the outer query is scoped).
        query = query.filter(
            convention::Column::Id.in_subquery(
                Query::select()
                    .column(convention_offer::Column::ConventionId)
                    .from(convention_offer::Entity)
                    .and_where(convention_offer::Column::OfferId.eq(offer))
                    .to_owned(),
            ),
        );
    }
    Ok(sort.apply(query, convention::Column::Id))
}

/// The conventions the caller reads, filtered, sorted and paged (latest end first unless
/// asked otherwise).
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ConventionFilter,
) -> ServiceResult<Paged<ConventionView>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let rows = listing::page_of(ctx, filtered(ctx, filter).await?, page).await?;
    Ok(Paged {
        items: views(ctx, rows.items).await?,
        page: rows.page,
        per_page: rows.per_page,
        total: rows.total,
    })
}

/// One convention's cells, in the reader's language.
fn cells(c: &ConventionView, lang: Lang) -> Vec<String> {
    vec![
        c.title.clone(),
        lang.t(&format!("convention-kind-{}", c.kind.as_str())),
        c.client.name.clone(),
        c.provider.name.clone(),
        c.offers.join(", "),
        c.start_date.to_string(),
        c.end_date.to_string(),
        lang.t(&format!("convention-status-{}", c.status.as_str())),
        c.open_ticket_cap.map(|n| n.to_string()).unwrap_or_default(),
    ]
}

/// The whole list as the filters keep and sort it, as CSV (see [`listing::export`]); 422
/// before the first byte on a bad filter or separator.
pub async fn export(
    ctx: Ctx,
    filter: ConventionFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    let query = filtered(&ctx, &filter).await?;
    listing::export(
        ctx,
        query,
        sheet,
        &HEADERS,
        Box::new(|ctx, rows| {
            Box::pin(async move {
                let lang = ctx.caller().language;
                Ok(views(ctx, rows)
                    .await?
                    .iter()
                    .map(|c| cells(c, lang))
                    .collect())
            })
        }),
    )
}

/// One convention (404 outside the caller's reach).
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<ConventionView> {
    let row = ctx
        .find::<convention::Entity>()
        .filter(convention::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    views(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// The rules of the fields that need no query.
fn check_fields(problems: &mut Problems, input: &ConventionInput) {
    required_text(problems, "title", &input.title, 300);
    if input.end_date < input.start_date {
        problems.rule("end_date", "catalogue-end-before-start", vec![]);
    }
    if input.description.chars().count() > 20_000 {
        problems.rule(
            "description",
            "field-too-long",
            vec![("max", "20000".to_owned())],
        );
    }
    if matches!(input.status, Some(ConventionStatus::Expired)) {
        problems.rule("status", "catalogue-expired-by-hand", vec![]);
    }
    if input.open_ticket_cap.is_some_and(|cap| cap < 1) {
        problems.rule("open_ticket_cap", "catalogue-cap-at-least-one", vec![]);
    }
    if input.yearly_amount_cents.is_some_and(|a| a < 0) {
        problems.rule("yearly_amount_cents", "catalogue-not-negative", vec![]);
    }
    if input.offers.is_empty() || input.offers.len() > 100 {
        problems.rule(
            "offers",
            "catalogue-offers-count",
            vec![("max", "100".to_owned())],
        );
    }
}

/// Checks an input; answers the covered offers' ids.
async fn validate<C: Handle>(ctx: &Ctx<C>, input: &ConventionInput) -> ServiceResult<Vec<i64>> {
    let mut problems = Problems::default();
    check_fields(&mut problems, input);
    for (field, id) in [
        ("client_id", input.client_id),
        ("provider_id", input.provider_id),
    ] {
        if crate::services::organisations::get(ctx, id).await.is_err() {
            problems.rule(field, "catalogue-no-organisation", vec![]);
        }
    }
    let offers = match super::offers::ids_of_codes(ctx, &input.offers).await? {
        Ok(ids) => ids,
        Err(missing) => {
            problems.rule("offers", "catalogue-no-offer-code", vec![("code", missing)]);
            Vec::new()
        }
    };
    if let Some(sla_id) = input.sla_id {
        match super::slas::get(ctx, sla_id).await {
            Ok(sla) if sla.provider_id == input.provider_id => {}
            Ok(_) => problems.rule("sla_id", "catalogue-sla-other-provider", vec![]),
            Err(_) => problems.rule("sla_id", "catalogue-no-sla", vec![]),
        }
    }
    problems.into_result()?;
    Ok(offers)
}

/// Makes `offers` the offers convention `id` covers (inside the caller's transaction).
async fn set_offers<C: Handle>(ctx: &Ctx<C>, id: i64, offers: &[i64]) -> ServiceResult<()> {
    ctx.delete_many::<convention_offer::Entity>()
        .filter(convention_offer::Column::ConventionId.eq(id))
        .exec(ctx)
        .await?;
    for offer_id in offers {
        ctx.insert_child::<convention_offer::Entity, _>(convention_offer::ActiveModel {
            convention_id: Set(id),
            offer_id: Set(*offer_id),
        })
        .await?;
    }
    Ok(())
}

/// 403 unless the caller manages `provider_id`'s conventions.
fn check_manages<C>(ctx: &Ctx<C>, provider_id: i64) -> ServiceResult<()> {
    if ctx.scope().manages_organisation(provider_id) {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "catalogue-refused-provider-conventions",
            vec![],
        ))
    }
}

/// Creates a convention for a provider the caller manages, with the offers it covers, in one
/// transaction.
pub async fn create(ctx: &Ctx, input: ConventionInput) -> ServiceResult<ConventionView> {
    let offers = validate(ctx, &input).await?;
    check_manages(ctx, input.provider_id)?;
    let now = ctx.now();
    let tx = ctx.begin().await?;
    let row = convention::ActiveModel {
        kind: Set(input.kind.into()),
        title: Set(input.title.trim().to_owned()),
        client_id: Set(input.client_id),
        provider_id: Set(input.provider_id),
        status: Set(input.status.unwrap_or(ConventionStatus::Draft).into()),
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
    .insert(&tx)
    .await?;
    set_offers(&tx, row.id, &offers).await?;
    tx.commit().await?;
    get(ctx, row.id).await
}

/// The convention, if the caller may change it: 404 if unreadable, 403 if read-only.
pub async fn managed<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<ConventionView> {
    let current = get(ctx, id).await?;
    if !ctx.scope().manages_organisation(current.provider.id) {
        return Err(ServiceError::forbidden(
            "catalogue-refused-convention",
            vec![],
        ));
    }
    Ok(current)
}

/// Replaces a convention's content (409 on a stale revision).
pub async fn replace(ctx: &Ctx, id: i64, input: ConventionInput) -> ServiceResult<ConventionView> {
    let current = managed(ctx, id).await?;
    let revision = input
        .revision
        .ok_or_else(|| ServiceError::field("revision", "field-required", vec![]))?;
    let offers = validate(ctx, &input).await?;
    check_manages(ctx, input.provider_id)?;
    let tx = ctx.begin().await?;
    let result = tx
        .update_many::<convention::Entity>()
        .col_expr(
            convention::Column::Kind,
            Expr::value(convention::ConventionKind::from(input.kind)),
        )
        .col_expr(convention::Column::Title, Expr::value(input.title.trim()))
        .col_expr(convention::Column::ClientId, Expr::value(input.client_id))
        .col_expr(
            convention::Column::ProviderId,
            Expr::value(input.provider_id),
        )
        .col_expr(
            convention::Column::Status,
            Expr::value(convention::ConventionStatus::from(
                input.status.unwrap_or(current.status),
            )),
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
        .col_expr(convention::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(convention::Column::Id.eq(id))
        .filter(convention::Column::Revision.eq(revision))
        .exec(&tx)
        .await?;
    if result.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    set_offers(&tx, id, &offers).await?;
    tx.commit().await?;
    get(ctx, id).await
}

/// Ends a convention early: only one in production can be terminated (409 otherwise).
pub async fn terminate<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
    revision: i32,
) -> ServiceResult<ConventionView> {
    let current = managed(ctx, id).await?;
    if current.status != ConventionStatus::Production {
        return Err(ServiceError::conflict(
            "catalogue-terminate-not-in-production",
            vec![("status", current.status.as_str().to_owned())],
            serde_json::json!({ "status": current.status }),
        ));
    }
    let result = ctx
        .update_many::<convention::Entity>()
        .col_expr(
            convention::Column::Status,
            Expr::value(convention::ConventionStatus::Terminated),
        )
        .col_expr(
            convention::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(convention::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(convention::Column::Id.eq(id))
        .filter(convention::Column::Revision.eq(revision))
        .exec(ctx)
        .await?;
    if result.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
}

/// Conventions in production whose end comes within `days` of `today` (at most 500 a day: the
/// consortium has a few hundred). For the platform's watch job: `ctx` is the platform's.
pub async fn ending_soon<C: Handle>(
    ctx: &Ctx<C>,
    today: NaiveDate,
    days: i64,
) -> ServiceResult<Vec<convention::Model>> {
    Ok(ctx
        .find::<convention::Entity>()
        .filter(convention::Column::Status.eq(convention::ConventionStatus::Production))
        .filter(convention::Column::EndDate.gte(today))
        .filter(convention::Column::EndDate.lte(today + chrono::Duration::days(days)))
        .limit(500)
        .all(ctx)
        .await?)
}

/// Tells the coordinators of the client and of the provider (and above), and the webhooks that
/// asked for it, that a convention ends soon. For the platform's warning job: `ctx` is the platform's.
pub async fn warn_ending<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<()> {
    use crate::services::notifications::{self, Kind, MailData};
    let Some(row) = ctx
        .find::<convention::Entity>()
        .filter(convention::Column::Id.eq(id))
        .one(ctx)
        .await?
    else {
        return Ok(());
    };
    // The coordinators of both parties and of the organisations above them (the consortium's
    // coordination manages every establishment's agreements).
    let mut organisations = crate::auth::organisation_ancestors(ctx, row.client_id).await?;
    organisations.extend(crate::auth::organisation_ancestors(ctx, row.provider_id).await?);
    let people = notifications::coordinators_of(ctx, &organisations).await?;
    crate::services::webhooks::events::convention_event(ctx, &row).await?;
    // The mail carries the title and the end date as data; each recipient's mail renders them.
    let data = MailData {
        kind: Kind::ConventionExpiring,
        reference: row.title.clone(),
        title: row.end_date.format("%d/%m/%Y").to_string(),
        path: format!("/desk/conventions/{}", row.id),
        actor: None,
        detail: None,
        detail_en: None,
        status: None,
        offer: None,
    };
    notifications::notify(ctx, people, &data).await
}
