//! Offers: the catalogue's services, each with its subcategories (see [`super::subcategories`]).

use entity::{offer, service_subcategory};
use futures::Stream;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, QueryFilter, QueryOrder, Select,
    sea_query::{Expr, ExprTrait, Func, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{clean_list, clean_url, json_list};
use crate::{
    db::{Ctx, Handle, directory},
    domain::catalogue::OfferStatus,
    i18n::Lang,
    services::{
        Paged, Problems,
        error::{ServiceError, ServiceResult},
        listing::{self, Sort, SortColumn},
        required_text,
    },
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

pub use super::subcategories::{
    NewSubcategory, SubcategoryChanges, SubcategoryView, add_subcategory, subcategory,
    subcategory_with_offer, update_subcategory,
};

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
#[schema(example = json!({"code": "EMARGEMENT", "name": "ESUP Émargement", "description": "Feuilles d'émargement numériques pour les examens.", "provider_id": 4, "status": "implementation", "app_url": "https://emargement.demo.esup-portail.example", "docs_url": "https://www.esup-portail.org/wiki/display/EMARGEMENT", "versions": ["1.0"], "modules": ["Sessions", "Feuilles"], "environments": ["production", "pré-production"]}))]
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
#[schema(example = json!({"revision": 1, "description": "Gestion des modalités de contrôle des connaissances, des règles d'évaluation et de leurs exports.", "versions": ["1.3", "1.2", "1.1"]}))]
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

/// Filters, sort and paging of the offer list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OfferFilter {
    /// Words of the code or name.
    pub q: Option<String>,
    /// Only this provider's.
    pub provider: Option<i64>,
    /// Only offers in this state: `implementation`, `production` or `obsolete`.
    pub status: Option<String>,
    /// `code` (default), `name`, `provider`, `status`, or the same with `-` for the other
    /// order.
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

impl OfferFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.q.clone()),
            ("provider", self.provider.map(|p| p.to_string())),
            ("status", self.status.clone()),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the offer list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferColumn {
    /// Code.
    Code,
    /// Name.
    Name,
    /// The provider's name.
    Provider,
    /// State.
    Status,
}

impl SortColumn for OfferColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("code", Self::Code),
        ("name", Self::Name),
        ("provider", Self::Provider),
        ("status", Self::Status),
    ];

    fn key(self) -> SimpleExpr {
        match self {
            Self::Code => Expr::col((offer::Entity, offer::Column::Code)),
            Self::Name => Expr::col((offer::Entity, offer::Column::Name)),
            Self::Provider => listing::organisation_name(offer::Entity, offer::Column::ProviderId),
            Self::Status => Expr::col((offer::Entity, offer::Column::Status)),
        }
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 6] = [
    "org-code",
    "org-name",
    "org-provider",
    "common-status",
    "offer-subcategories",
    "offer-versions",
];

/// Builds the views of a page of offers: providers and subcategories in one query each.
async fn views<C: Handle>(ctx: &Ctx<C>, rows: Vec<offer::Model>) -> ServiceResult<Vec<OfferView>> {
    // An offer the caller reads names its provider, an organisation it may not read.
    let providers =
        directory::organisations(ctx, rows.iter().map(|o| o.provider_id).collect::<Vec<_>>())
            .await?;
    let subcategories = ctx
        .find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::OfferId.is_in(rows.iter().map(|o| o.id)))
        .order_by_asc(service_subcategory::Column::Name)
        .all(ctx)
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
                status: o.status.into(),
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

/// The caller's offers with the list's filters, in the order asked.
fn filtered<C: Handle>(ctx: &Ctx<C>, filter: &OfferFilter) -> ServiceResult<Select<offer::Entity>> {
    let sort = Sort::parse(filter.sort.as_deref(), OfferColumn::Code)?;
    let mut query = ctx.find::<offer::Entity>();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // A short catalogue: a LIKE on code and name is enough until full-text search lands.
        let pattern = format!("%{}%", q.replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(offer::Column::Code.like(pattern.to_uppercase()))
                .add(Func::lower(Expr::col(offer::Column::Name)).like(pattern.to_lowercase())),
        );
    }
    if let Some(provider) = filter.provider {
        query = query.filter(offer::Column::ProviderId.eq(provider));
    }
    if let Some(word) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = OfferStatus::parse(word)
            .ok_or_else(|| ServiceError::field("status", "offer-filter-status", vec![]))?;
        query = query.filter(offer::Column::Status.eq(offer::OfferStatus::from(status)));
    }
    Ok(sort.apply(query, offer::Column::Id))
}

/// The offers the caller reads (for a contact: those its organisation may file on), filtered,
/// sorted (by code unless asked otherwise) and paged.
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    filter: &OfferFilter,
) -> ServiceResult<Paged<OfferView>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let rows = listing::page_of(ctx, filtered(ctx, filter)?, page).await?;
    Ok(Paged {
        items: views(ctx, rows.items).await?,
        page: rows.page,
        per_page: rows.per_page,
        total: rows.total,
    })
}

/// One offer's cells, in the reader's language.
fn cells(o: &OfferView, lang: Lang) -> Vec<String> {
    vec![
        o.code.clone(),
        o.name.clone(),
        o.provider.name.clone(),
        lang.t(&format!("offer-status-{}", o.status.as_str())),
        o.subcategories.len().to_string(),
        o.versions.join(", "),
    ]
}

/// The whole list as the filters keep and sort it, as CSV (see [`listing::export`]); 422
/// before the first byte on a bad filter or separator.
pub async fn export(
    ctx: Ctx,
    filter: OfferFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    let query = filtered(&ctx, &filter)?;
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
                    .map(|o| cells(o, lang))
                    .collect())
            })
        }),
    )
}

/// The ids of the offers `codes` name (trimmed, upper-cased), or the first code no offer has.
pub async fn ids_of_codes<C: Handle>(
    ctx: &Ctx<C>,
    codes: &[String],
) -> ServiceResult<Result<Vec<i64>, String>> {
    let codes: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
    // A convention or a committee member's limit may name any offer of the catalogue, filed on
    // by the caller or not.
    let found: Vec<(i64, String)> = directory::offers_by_code(ctx, codes.clone())
        .await?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect();
    Ok(
        match codes
            .into_iter()
            .find(|c| !found.iter().any(|(_, f)| f == c))
        {
            Some(missing) => Err(missing),
            None => Ok(found.into_iter().map(|(id, _)| id).collect()),
        },
    )
}

/// One offer by code (404 outside the caller's reach).
pub async fn get<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<OfferView> {
    let row = ctx
        .find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    views(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// The code of an offer the caller reads.
pub async fn code_of<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<String> {
    ctx.find::<offer::Entity>()
        .filter(offer::Column::Id.eq(id))
        .one(ctx)
        .await?
        .map(|o| o.code)
        .ok_or(ServiceError::NotFound)
}

fn json(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// Creates an offer provided by an organisation the caller manages.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewOffer) -> ServiceResult<OfferView> {
    crate::services::organisations::get(ctx, new.provider_id)
        .await
        .map_err(|_| ServiceError::field("provider_id", "catalogue-no-organisation", vec![]))?;
    if !ctx.scope().manages_organisation(new.provider_id) {
        return Err(ServiceError::forbidden(
            "catalogue-refused-provider-catalogue",
            vec![],
        ));
    }
    let mut problems = Problems::default();
    let code = required_text(&mut problems, "code", &new.code, 32).to_uppercase();
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.rule("code", "catalogue-code-characters", vec![]);
    }
    let name = required_text(&mut problems, "name", &new.name, 200);
    check_description(&mut problems, &new.description);
    let app_url = clean_url(&mut problems, "app_url", new.app_url.as_deref());
    let docs_url = clean_url(&mut problems, "docs_url", new.docs_url.as_deref());
    let source_url = clean_url(&mut problems, "source_url", new.source_url.as_deref());
    let versions = clean_list(&mut problems, "versions", &new.versions);
    let modules = clean_list(&mut problems, "modules", &new.modules);
    let environments = clean_list(&mut problems, "environments", &new.environments);
    // A code is unique across the whole catalogue, offers out of reach included.
    let same = Condition::all().add(offer::Column::Code.eq(&code));
    if directory::taken::<offer::Entity>(ctx, same).await? {
        problems.rule("code", "catalogue-code-taken", vec![]);
    }
    problems.into_result()?;
    let now = ctx.now();
    let row = offer::ActiveModel {
        code: Set(code.clone()),
        name: Set(name),
        description: Set(new.description),
        provider_id: Set(new.provider_id),
        status: Set(new.status.unwrap_or(OfferStatus::Implementation).into()),
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
    .insert(ctx)
    .await?;
    views(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// At most 20,000 characters of description.
fn check_description(problems: &mut Problems, description: &str) {
    if description.chars().count() > 20_000 {
        problems.rule(
            "description",
            "field-too-long",
            vec![("max", "20000".to_owned())],
        );
    }
}

/// The offer, if the caller may change it: 404 if unreadable, 403 if read-only.
pub(super) async fn managed<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<OfferView> {
    let offer = get(ctx, code).await?;
    if !ctx.scope().manages_organisation(offer.provider.id) {
        return Err(ServiceError::forbidden("catalogue-refused-offer", vec![]));
    }
    Ok(offer)
}

/// Changes an offer the caller manages (409 on a stale revision).
pub async fn update<C: Handle>(
    ctx: &Ctx<C>,
    code: &str,
    changes: OfferChanges,
) -> ServiceResult<OfferView> {
    let current = managed(ctx, code).await?;
    let mut problems = Problems::default();
    let mut update = ctx
        .update_many::<offer::Entity>()
        .col_expr(offer::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(offer::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(offer::Column::Id.eq(current.id))
        .filter(offer::Column::Revision.eq(changes.revision));
    if let Some(name) = &changes.name {
        update = update.col_expr(
            offer::Column::Name,
            Expr::value(required_text(&mut problems, "name", name, 200)),
        );
    }
    if let Some(description) = changes.description {
        check_description(&mut problems, &description);
        update = update.col_expr(offer::Column::Description, Expr::value(description));
    }
    if let Some(status) = changes.status {
        update = update.col_expr(
            offer::Column::Status,
            Expr::value(offer::OfferStatus::from(status)),
        );
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
    if update.exec(ctx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, code).await
}
