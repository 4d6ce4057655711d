//! Organisations: the consortium, its establishments and their components, as a hierarchy.

use entity::organisation;
use futures::Stream;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    PageRequest, Paged, Problems,
    catalogue::offers::OrgRef,
    error::{ServiceError, ServiceResult},
    listing::{self, Sort, SortColumn},
    required_text,
};
use crate::{
    db::{Ctx, Handle, directory},
    i18n::Lang,
};

/// An organisation as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationView {
    /// Id.
    pub id: i64,
    /// Short code, e.g. `UTLN`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent organisation, none for the consortium.
    pub parent_id: Option<i64>,
    /// Subscribes to offers.
    pub is_client: bool,
    /// Provides offers.
    pub is_provider: bool,
    /// Inactive organisations keep their history but take no new accounts.
    pub active: bool,
    /// For optimistic locking: send it back with a change.
    pub revision: i32,
}

impl From<organisation::Model> for OrganisationView {
    fn from(o: organisation::Model) -> Self {
        Self {
            id: o.id,
            code: o.code,
            name: o.name,
            parent_id: o.parent_id,
            is_client: o.is_client,
            is_provider: o.is_provider,
            active: o.active,
            revision: o.revision,
        }
    }
}

/// An organisation as listed: with its parent's code and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationRow {
    /// The organisation.
    #[serde(flatten)]
    pub organisation: OrganisationView,
    /// Its parent, none for the consortium.
    pub parent: Option<OrgRef>,
}

/// Filters, sort and paging of the organisation list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFilter {
    /// Only clients (`client`) or only providers (`provider`).
    #[param(example = "client")]
    pub kind: Option<String>,
    /// Only the organisations right under this one.
    #[param(example = 1)]
    pub parent: Option<i64>,
    /// Only active (`true`) or inactive (`false`) ones.
    #[param(example = true)]
    pub active: Option<bool>,
    /// `code` (default), `name`, `parent`, `kind`, `active`, or the same with `-` for the
    /// other order.
    #[param(example = "name")]
    pub sort: Option<String>,
    /// `csv`: the whole list as a CSV file (the API also answers CSV to `Accept: text/csv`).
    #[param(example = "csv")]
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    #[param(example = ",")]
    pub sep: Option<String>,
    /// Page number, from 1.
    #[param(example = 1)]
    pub page: Option<u64>,
    /// Items per page, up to 200.
    #[param(example = 50)]
    pub per_page: Option<u64>,
}

impl OrganisationFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("kind", self.kind.clone()),
            ("parent", self.parent.map(|p| p.to_string())),
            ("active", self.active.map(|a| a.to_string())),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the organisation list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationColumn {
    /// Code.
    Code,
    /// Name.
    Name,
    /// The parent's name.
    Parent,
    /// Client, provider or both.
    Kind,
    /// Active or not.
    Active,
}

impl SortColumn for OrganisationColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("code", Self::Code),
        ("name", Self::Name),
        ("parent", Self::Parent),
        ("kind", Self::Kind),
        ("active", Self::Active),
    ];

    fn key(self) -> SimpleExpr {
        match self {
            Self::Code => Expr::col((organisation::Entity, organisation::Column::Code)),
            Self::Name => Expr::col((organisation::Entity, organisation::Column::Name)),
            Self::Parent => {
                listing::organisation_name(organisation::Entity, organisation::Column::ParentId)
            }
            // Neither, clients, then providers (those that are both among the providers): the
            // order the kind column reads in.
            Self::Kind => Expr::case(organisation::Column::IsProvider.eq(true), 2)
                .case(organisation::Column::IsClient.eq(true), 1)
                .finally(0)
                .into(),
            Self::Active => Expr::col((organisation::Entity, organisation::Column::Active)),
        }
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 6] = [
    "org-code",
    "org-name",
    "org-parent",
    "org-client",
    "org-provider",
    "common-status",
];

/// The organisations the caller reads with the list's filters, in the order asked; 422 on
/// `kind` for a kind other than `client` or `provider`.
fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &OrganisationFilter,
) -> ServiceResult<Select<organisation::Entity>> {
    let sort = Sort::parse(filter.sort.as_deref(), OrganisationColumn::Code)?;
    let mut query = ctx.find::<organisation::Entity>();
    match filter.kind.as_deref().map(str::trim).unwrap_or_default() {
        "" => {}
        "client" => query = query.filter(organisation::Column::IsClient.eq(true)),
        "provider" => query = query.filter(organisation::Column::IsProvider.eq(true)),
        _ => return Err(ServiceError::field("kind", "directory-filter-kind", vec![])),
    }
    if let Some(parent) = filter.parent {
        query = query.filter(organisation::Column::ParentId.eq(parent));
    }
    if let Some(active) = filter.active {
        query = query.filter(organisation::Column::Active.eq(active));
    }
    Ok(sort.apply(query, organisation::Column::Id))
}

/// A chunk of organisations with their parents, named in one query (an organisation's parent
/// is a public label even where the caller does not read it).
async fn rows<C: Handle>(
    ctx: &Ctx<C>,
    chunk: Vec<organisation::Model>,
) -> ServiceResult<Vec<OrganisationRow>> {
    let parents = directory::organisations(
        ctx,
        chunk.iter().filter_map(|o| o.parent_id).collect::<Vec<_>>(),
    )
    .await?;
    Ok(chunk
        .into_iter()
        .map(|o| {
            let parent = o.parent_id.and_then(|id| {
                parents.iter().find(|p| p.id == id).map(|p| OrgRef {
                    id,
                    code: p.code.clone(),
                    name: p.name.clone(),
                })
            });
            OrganisationRow {
                organisation: o.into(),
                parent,
            }
        })
        .collect())
}

/// The organisations the caller reads, filtered, sorted (by code unless asked otherwise) and
/// paged.
pub async fn listed<C: Handle>(
    ctx: &Ctx<C>,
    filter: &OrganisationFilter,
) -> ServiceResult<Paged<OrganisationRow>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let found = listing::page_of(ctx, filtered(ctx, filter)?, page).await?;
    Ok(Paged {
        items: rows(ctx, found.items).await?,
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// One organisation's cells, in the reader's language.
fn cells(row: &OrganisationRow, lang: Lang) -> Vec<String> {
    let o = &row.organisation;
    let yes_no = |b: bool| lang.t(if b { "directory-yes" } else { "directory-no" });
    vec![
        o.code.clone(),
        o.name.clone(),
        row.parent
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        yes_no(o.is_client),
        yes_no(o.is_provider),
        lang.t(if o.active {
            "common-active"
        } else {
            "common-inactive"
        }),
    ]
}

/// The whole list as the filters keep and sort it, as CSV (see [`listing::export`]); 422
/// before the first byte on a bad filter or separator.
pub fn export(
    ctx: Ctx,
    filter: &OrganisationFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    let query = filtered(&ctx, filter)?;
    listing::export(
        ctx,
        query,
        sheet,
        &HEADERS,
        Box::new(|ctx, chunk| {
            Box::pin(async move {
                let lang = ctx.caller().language;
                Ok(rows(ctx, chunk)
                    .await?
                    .iter()
                    .map(|r| cells(r, lang))
                    .collect())
            })
        }),
    )
}

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "UCA", "name": "Université Clermont Auvergne", "parent_id": 1, "is_client": true, "is_provider": false}))]
pub struct NewOrganisation {
    /// Short code, letters, digits and dashes, unique.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent: required except for administrators creating a root.
    pub parent_id: Option<i64>,
    /// Subscribes to offers.
    #[serde(default)]
    pub is_client: bool,
    /// Provides offers.
    #[serde(default)]
    pub is_provider: bool,
}

/// Changes to an organisation; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "name": "Université Clermont Auvergne (UCA)", "is_client": true}))]
pub struct OrganisationChanges {
    /// The revision read.
    pub revision: i32,
    /// New name.
    pub name: Option<String>,
    /// Subscribes to offers.
    pub is_client: Option<bool>,
    /// Provides offers.
    pub is_provider: Option<bool>,
    /// Active or not.
    pub active: Option<bool>,
}

/// The organisations the caller reads, by code.
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    page: PageRequest,
) -> ServiceResult<Paged<OrganisationView>> {
    let page = page.checked()?;
    let query = ctx.find::<organisation::Entity>();
    let total = query.clone().count(ctx).await?;
    let items = query
        .order_by_asc(organisation::Column::Code)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?
        .into_iter()
        .map(OrganisationView::from)
        .collect();
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One organisation the caller reads; 404 otherwise.
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<OrganisationView> {
    ctx.find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(id))
        .one(ctx)
        .await?
        .map(OrganisationView::from)
        .ok_or(ServiceError::NotFound)
}

/// Creates an organisation under a parent the caller manages (a root: administrators only).
pub async fn create<C: Handle>(
    ctx: &Ctx<C>,
    new: NewOrganisation,
) -> ServiceResult<OrganisationView> {
    let scope = ctx.scope();
    match new.parent_id {
        Some(parent) => {
            get(ctx, parent)
                .await
                .map_err(|_| ServiceError::field("parent_id", "field-unknown", vec![]))?;
            if !scope.manages_organisation(parent) {
                return Err(ServiceError::forbidden(
                    "refused-organisation-parent-not-managed",
                    vec![],
                ));
            }
        }
        None if !scope.admin => {
            return Err(ServiceError::field("parent_id", "field-required", vec![]));
        }
        None => {}
    }
    let mut problems = Problems::default();
    let code = required_text(&mut problems, "code", &new.code, 32).to_uppercase();
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.rule("code", "field-organisation-code-letters", vec![]);
    }
    let name = required_text(&mut problems, "name", &new.name, 200);
    // Codes are unique across the platform, including organisations the caller cannot see.
    let same = sea_orm::Condition::all().add(organisation::Column::Code.eq(&code));
    if crate::db::directory::taken::<organisation::Entity>(ctx, same).await? {
        problems.rule("code", "field-organisation-code-taken", vec![]);
    }
    problems.into_result()?;
    let now = ctx.now();
    let row = organisation::ActiveModel {
        code: Set(code),
        name: Set(name),
        parent_id: Set(new.parent_id),
        is_client: Set(new.is_client),
        is_provider: Set(new.is_provider),
        active: Set(true),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// Changes an organisation the caller manages: 404 when it cannot read it, 403 when it reads
/// but does not manage it, 409 when `revision` is stale.
pub async fn update<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
    changes: OrganisationChanges,
) -> ServiceResult<OrganisationView> {
    let current = get(ctx, id).await?;
    if !ctx.scope().manages_organisation(id) {
        return Err(ServiceError::forbidden(
            "refused-organisation-read-only",
            vec![],
        ));
    }
    let mut problems = Problems::default();
    let name = changes
        .name
        .as_deref()
        .map(|n| required_text(&mut problems, "name", n, 200));
    problems.into_result()?;
    let mut update = ctx
        .update_many::<organisation::Entity>()
        .col_expr(
            organisation::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(organisation::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::Revision.eq(changes.revision));
    if let Some(name) = name {
        update = update.col_expr(organisation::Column::Name, Expr::value(name));
    }
    if let Some(v) = changes.is_client {
        update = update.col_expr(organisation::Column::IsClient, Expr::value(v));
    }
    if let Some(v) = changes.is_provider {
        update = update.col_expr(organisation::Column::IsProvider, Expr::value(v));
    }
    if let Some(v) = changes.active {
        update = update.col_expr(organisation::Column::Active, Expr::value(v));
    }
    if update.exec(ctx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
}
