//! Offers and their service subcategories.

use chrono::Utc;
use entity::{offer, organisation, service_subcategory, team};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{clean_list, clean_url, json_list};
use crate::{
    db::{Scoped, Unscoped},
    domain::catalogue::{ExtraField, OfferStatus, RequestKind, SubcategoryStatus},
    error::AppError,
    services::{PageRequest, Paged, Problems, required_text, stale},
};

/// An organisation named in a view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgRef {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// A subcategory as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubcategoryView {
    /// Id.
    pub id: i64,
    /// The offer's id.
    pub offer_id: i64,
    /// Name.
    pub name: String,
    /// What it files.
    pub kind: RequestKind,
    /// Offered or not.
    pub status: SubcategoryStatus,
    /// Team that receives its tickets.
    pub default_team_id: Option<i64>,
    /// Extra ticket fields it requires.
    pub required_fields: Vec<ExtraField>,
    /// For optimistic locking.
    pub revision: i32,
}

impl From<service_subcategory::Model> for SubcategoryView {
    fn from(s: service_subcategory::Model) -> Self {
        Self {
            id: s.id,
            offer_id: s.offer_id,
            name: s.name,
            kind: RequestKind::parse(&s.kind).unwrap_or(RequestKind::Request),
            status: SubcategoryStatus::parse(&s.status).unwrap_or(SubcategoryStatus::Inactive),
            default_team_id: s.default_team_id,
            required_fields: json_list(Some(&s.required_fields)),
            revision: s.revision,
        }
    }
}

/// An offer as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferView {
    /// Id.
    pub id: i64,
    /// Code, e.g. `GEFORP`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Who provides it.
    pub provider: OrgRef,
    /// Where it stands.
    pub status: OfferStatus,
    /// The application.
    pub app_url: Option<String>,
    /// Its documentation.
    pub docs_url: Option<String>,
    /// Its source code.
    pub source_url: Option<String>,
    /// Supported versions, current first.
    pub versions: Vec<String>,
    /// Modules.
    pub modules: Vec<String>,
    /// Environments.
    pub environments: Vec<String>,
    /// Its subcategories the caller reads.
    pub subcategories: Vec<SubcategoryView>,
    /// For optimistic locking.
    pub revision: i32,
}

/// A new offer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOffer {
    /// Code: capitals, digits and dashes.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Providing organisation.
    pub provider_id: i64,
    /// Defaults to `implementation`.
    pub status: Option<OfferStatus>,
    /// The application.
    pub app_url: Option<String>,
    /// Its documentation.
    pub docs_url: Option<String>,
    /// Its source code.
    pub source_url: Option<String>,
    /// Supported versions.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Modules.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Environments.
    #[serde(default)]
    pub environments: Vec<String>,
}

/// Changes to an offer; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferChanges {
    /// The revision read.
    pub revision: i32,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Status.
    pub status: Option<OfferStatus>,
    /// The application (empty to remove).
    pub app_url: Option<String>,
    /// Its documentation (empty to remove).
    pub docs_url: Option<String>,
    /// Its source code (empty to remove).
    pub source_url: Option<String>,
    /// Supported versions.
    pub versions: Option<Vec<String>>,
    /// Modules.
    pub modules: Option<Vec<String>>,
    /// Environments.
    pub environments: Option<Vec<String>>,
}

/// Filters of the offer list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OfferFilter {
    /// Words of the code or name.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items per page.
    pub per_page: Option<u64>,
}

/// Builds the views of a page of offers: providers and subcategories in one query each.
async fn views<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    rows: Vec<offer::Model>,
) -> Result<Vec<OfferView>, AppError> {
    let providers = Unscoped::find::<organisation::Entity>()
        .filter(organisation::Column::Id.is_in(rows.iter().map(|o| o.provider_id)))
        .all(db.conn())
        .await?;
    let subcategories = db
        .find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::OfferId.is_in(rows.iter().map(|o| o.id)))
        .order_by_asc(service_subcategory::Column::Name)
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            let provider = providers
                .iter()
                .find(|p| p.id == o.provider_id)
                .map(|p| OrgRef {
                    id: p.id,
                    code: p.code.clone(),
                    name: p.name.clone(),
                })
                .unwrap_or(OrgRef {
                    id: o.provider_id,
                    code: String::new(),
                    name: String::new(),
                });
            OfferView {
                subcategories: subcategories
                    .iter()
                    .filter(|s| s.offer_id == o.id)
                    .cloned()
                    .map(SubcategoryView::from)
                    .collect(),
                versions: json_list(o.versions.as_deref()),
                modules: json_list(o.modules.as_deref()),
                environments: json_list(o.environments.as_deref()),
                status: OfferStatus::parse(&o.status).unwrap_or(OfferStatus::Implementation),
                id: o.id,
                code: o.code,
                name: o.name,
                description: o.description,
                provider,
                app_url: o.app_url,
                docs_url: o.docs_url,
                source_url: o.source_url,
                revision: o.revision,
            }
        })
        .collect())
}

/// The offers the caller reads (for a contact: those its organisation may file on), by code.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    filter: &OfferFilter,
) -> Result<Paged<OfferView>, AppError> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let mut query = db.find::<offer::Entity>();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // A short catalogue: a LIKE on code and name is enough until full-text search lands.
        let pattern = format!("%{}%", q.replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(offer::Column::Code.like(pattern.to_uppercase()))
                .add(Func::lower(Expr::col(offer::Column::Name)).like(pattern.to_lowercase())),
        );
    }
    let total = query.clone().count(db.conn()).await?;
    let rows = query
        .order_by_asc(offer::Column::Code)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Paged {
        items: views(db, rows).await?,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One offer by code (404 outside the caller's reach).
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    code: &str,
) -> Result<OfferView, AppError> {
    let row = db
        .find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    views(db, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// The code of an offer the caller reads.
pub async fn code_of<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> Result<String, AppError> {
    db.find::<offer::Entity>()
        .filter(offer::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .map(|o| o.code)
        .ok_or(AppError::NotFound)
}

fn json(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// Creates an offer provided by an organisation the caller manages.
pub async fn create<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    new: NewOffer,
) -> Result<OfferView, AppError> {
    // Transitional (i15-people): the organisations service takes a context.
    let ctx = crate::db::Ctx::new(
        db.conn(),
        std::sync::Arc::new(crate::access::Caller {
            scope: db.scope().clone(),
            ..crate::access::Caller::platform()
        }),
        db.now(),
    );
    crate::services::organisations::get(&ctx, new.provider_id)
        .await
        .map_err(|_| AppError::field("provider_id", "no such organisation"))?;
    if !db.scope().manages_organisation(new.provider_id) {
        return Err(AppError::Forbidden(
            "you do not manage this provider's catalogue".to_owned(),
        ));
    }
    let mut problems = Problems::default();
    let code = required_text(&mut problems, "code", &new.code, 32).to_uppercase();
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.add("code", "capitals, digits and dashes only");
    }
    let name = required_text(&mut problems, "name", &new.name, 200);
    if new.description.chars().count() > 20_000 {
        problems.add("description", "must be at most 20000 characters");
    }
    let app_url = clean_url(&mut problems, "app_url", new.app_url.as_deref());
    let docs_url = clean_url(&mut problems, "docs_url", new.docs_url.as_deref());
    let source_url = clean_url(&mut problems, "source_url", new.source_url.as_deref());
    let versions = clean_list(&mut problems, "versions", &new.versions);
    let modules = clean_list(&mut problems, "modules", &new.modules);
    let environments = clean_list(&mut problems, "environments", &new.environments);
    let taken = Unscoped::find::<offer::Entity>()
        .filter(offer::Column::Code.eq(&code))
        .count(db.conn())
        .await?
        > 0;
    if taken {
        problems.add("code", "another offer has this code");
    }
    problems.into_result()?;
    let now = Utc::now();
    let row = offer::ActiveModel {
        code: Set(code.clone()),
        name: Set(name),
        description: Set(new.description),
        provider_id: Set(new.provider_id),
        status: Set(new
            .status
            .unwrap_or(OfferStatus::Implementation)
            .as_str()
            .to_owned()),
        app_url: Set(app_url),
        docs_url: Set(docs_url),
        source_url: Set(source_url),
        versions: Set(Some(json(&versions))),
        modules: Set(Some(json(&modules))),
        environments: Set(Some(json(&environments))),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db.conn())
    .await?;
    views(db, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// The offer, if the caller may change it: 404 if unreadable, 403 if read-only.
async fn managed<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    code: &str,
) -> Result<OfferView, AppError> {
    let offer = get(db, code).await?;
    if !db.scope().manages_organisation(offer.provider.id) {
        return Err(AppError::Forbidden(
            "you may read this offer but not change it".to_owned(),
        ));
    }
    Ok(offer)
}

/// Changes an offer the caller manages (409 on a stale revision).
pub async fn update<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    code: &str,
    changes: OfferChanges,
) -> Result<OfferView, AppError> {
    let current = managed(db, code).await?;
    let mut problems = Problems::default();
    let mut update = db
        .update_many::<offer::Entity>()
        .col_expr(offer::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(offer::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(offer::Column::Id.eq(current.id))
        .filter(offer::Column::Revision.eq(changes.revision));
    if let Some(name) = &changes.name {
        update = update.col_expr(
            offer::Column::Name,
            Expr::value(required_text(&mut problems, "name", name, 200)),
        );
    }
    if let Some(description) = changes.description {
        if description.chars().count() > 20_000 {
            problems.add("description", "must be at most 20000 characters");
        }
        update = update.col_expr(offer::Column::Description, Expr::value(description));
    }
    if let Some(status) = changes.status {
        update = update.col_expr(offer::Column::Status, Expr::value(status.as_str()));
    }
    for (field, column, value) in [
        ("app_url", offer::Column::AppUrl, &changes.app_url),
        ("docs_url", offer::Column::DocsUrl, &changes.docs_url),
        ("source_url", offer::Column::SourceUrl, &changes.source_url),
    ] {
        if let Some(value) = value {
            update = update.col_expr(
                column,
                Expr::value(clean_url(&mut problems, field, Some(value))),
            );
        }
    }
    for (field, column, value) in [
        ("versions", offer::Column::Versions, &changes.versions),
        ("modules", offer::Column::Modules, &changes.modules),
        (
            "environments",
            offer::Column::Environments,
            &changes.environments,
        ),
    ] {
        if let Some(items) = value {
            let items = clean_list(&mut problems, field, items);
            update = update.col_expr(column, Expr::value(json(&items)));
        }
    }
    problems.into_result()?;
    if update.exec(db.conn()).await?.rows_affected == 0 {
        return Err(stale());
    }
    get(db, code).await
}

/// A new subcategory of an offer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubcategory {
    /// Name.
    pub name: String,
    /// What it files.
    pub kind: RequestKind,
    /// Defaults to `active`.
    pub status: Option<SubcategoryStatus>,
    /// Team that receives its tickets (of the offer's provider or the consortium).
    pub default_team_id: Option<i64>,
    /// Extra ticket fields it requires.
    #[serde(default)]
    pub required_fields: Vec<ExtraField>,
}

/// Changes to a subcategory; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubcategoryChanges {
    /// The revision read.
    pub revision: i32,
    /// Name.
    pub name: Option<String>,
    /// Status.
    pub status: Option<SubcategoryStatus>,
    /// Default team (null to clear is not supported; choose another).
    pub default_team_id: Option<i64>,
    /// Extra ticket fields it requires.
    pub required_fields: Option<Vec<ExtraField>>,
}

async fn check_team<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    problems: &mut Problems,
    team_id: Option<i64>,
) -> Result<(), AppError> {
    if let Some(team_id) = team_id {
        let known = db
            .find::<team::Entity>()
            .filter(team::Column::Id.eq(team_id))
            .count(db.conn())
            .await?
            > 0;
        if !known {
            problems.add("default_team_id", "no such team");
        }
    }
    Ok(())
}

/// Adds a subcategory to an offer the caller manages.
pub async fn add_subcategory<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    code: &str,
    new: NewSubcategory,
) -> Result<SubcategoryView, AppError> {
    let offer = managed(db, code).await?;
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 200);
    check_team(db, &mut problems, new.default_team_id).await?;
    problems.into_result()?;
    let mut fields = new.required_fields;
    fields.sort();
    fields.dedup();
    let now = Utc::now();
    let row = service_subcategory::ActiveModel {
        offer_id: Set(offer.id),
        name: Set(name),
        kind: Set(new.kind.as_str().to_owned()),
        status: Set(new
            .status
            .unwrap_or(SubcategoryStatus::Active)
            .as_str()
            .to_owned()),
        default_team_id: Set(new.default_team_id),
        required_fields: Set(serde_json::to_string(&fields).unwrap_or_else(|_| "[]".to_owned())),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db.conn())
    .await?;
    Ok(row.into())
}

/// One subcategory the caller reads.
pub async fn subcategory<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<SubcategoryView, AppError> {
    db.find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .map(SubcategoryView::from)
        .ok_or(AppError::NotFound)
}

/// Changes a subcategory of an offer the caller manages.
pub async fn update_subcategory<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
    changes: SubcategoryChanges,
) -> Result<SubcategoryView, AppError> {
    let current = subcategory(db, id).await?;
    let writable = db
        .find::<offer::Entity>()
        .filter(offer::Column::Id.eq(current.offer_id))
        .one(db.conn())
        .await?
        .is_some_and(|o| db.scope().manages_organisation(o.provider_id));
    if !writable {
        return Err(AppError::Forbidden(
            "you may read this subcategory but not change it".to_owned(),
        ));
    }
    let mut problems = Problems::default();
    let mut update = db
        .update_many::<service_subcategory::Entity>()
        .col_expr(
            service_subcategory::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(
            service_subcategory::Column::UpdatedAt,
            Expr::value(Utc::now()),
        )
        .filter(service_subcategory::Column::Id.eq(id))
        .filter(service_subcategory::Column::Revision.eq(changes.revision));
    if let Some(name) = &changes.name {
        update = update.col_expr(
            service_subcategory::Column::Name,
            Expr::value(required_text(&mut problems, "name", name, 200)),
        );
    }
    if let Some(status) = changes.status {
        update = update.col_expr(
            service_subcategory::Column::Status,
            Expr::value(status.as_str()),
        );
    }
    if let Some(team) = changes.default_team_id {
        check_team(db, &mut problems, Some(team)).await?;
        update = update.col_expr(
            service_subcategory::Column::DefaultTeamId,
            Expr::value(team),
        );
    }
    if let Some(mut fields) = changes.required_fields {
        fields.sort();
        fields.dedup();
        update = update.col_expr(
            service_subcategory::Column::RequiredFields,
            Expr::value(serde_json::to_string(&fields).unwrap_or_else(|_| "[]".to_owned())),
        );
    }
    problems.into_result()?;
    if update.exec(db.conn()).await?.rows_affected == 0 {
        return Err(stale());
    }
    subcategory(db, id).await
}
