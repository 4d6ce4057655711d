//! The account list: filters as choices (organisation, role, active), sort by a shown column,
//! pages, and the CSV export of the whole list as filtered and sorted. Neither the list nor the
//! export reads a password hash: the rows become [`AccountView`]s, which hold none.

use entity::{account, account_role};
use futures::Stream;
use sea_orm::{
    ColumnTrait, QueryFilter, Select,
    sea_query::{Expr, Query, SimpleExpr},
};
use serde::{Deserialize, Serialize};

use super::{AccountView, with_roles};
use crate::{
    db::{Ctx, Handle},
    domain::role::Role,
    i18n::Lang,
    services::{
        Paged,
        error::{ServiceError, ServiceResult},
        listing::{self, Sort, SortColumn},
    },
};

/// Filters, sort and paging of the account list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AccountFilter {
    /// Only the accounts of this organisation.
    #[param(example = 7)]
    pub organisation: Option<i64>,
    /// Only the accounts holding this role (`contact`, `agent`, `coordinator`, …).
    #[param(example = "agent")]
    pub role: Option<String>,
    /// Only active (`true`) or inactive (`false`) ones.
    #[param(example = true)]
    pub active: Option<bool>,
    /// `email` (default), `name`, `organisation`, `language`, `active`, or the same with `-`
    /// for the other order.
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

impl AccountFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("organisation", self.organisation.map(|o| o.to_string())),
            ("role", self.role.clone()),
            ("active", self.active.map(|a| a.to_string())),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the account list sorts by (not the roles: an account holds several).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountColumn {
    /// Sign-in address.
    Email,
    /// Shown name.
    Name,
    /// The organisation's name.
    Organisation,
    /// Language.
    Language,
    /// Active or not.
    Active,
}

impl SortColumn for AccountColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("email", Self::Email),
        ("name", Self::Name),
        ("organisation", Self::Organisation),
        ("language", Self::Language),
        ("active", Self::Active),
    ];

    fn key(self) -> SimpleExpr {
        match self {
            Self::Email => Expr::col((account::Entity, account::Column::Email)),
            Self::Name => Expr::col((account::Entity, account::Column::DisplayName)),
            Self::Organisation => {
                listing::organisation_name(account::Entity, account::Column::OrganisationId)
            }
            Self::Language => Expr::col((account::Entity, account::Column::Language)),
            Self::Active => Expr::col((account::Entity, account::Column::Active)),
        }
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 6] = [
    "account-name",
    "login-email",
    "account-organisation",
    "account-roles",
    "directory-language",
    "common-status",
];

/// The accounts the caller reads with the list's filters, in the order asked; 422 on `role`
/// for a role that does not exist.
fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &AccountFilter,
) -> ServiceResult<Select<account::Entity>> {
    let sort = Sort::parse(filter.sort.as_deref(), AccountColumn::Email)?;
    let mut query = ctx.find::<account::Entity>();
    if let Some(organisation) = filter.organisation {
        query = query.filter(account::Column::OrganisationId.eq(organisation));
    }
    if let Some(word) = filter
        .role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let role = Role::parse(word)
            .ok_or_else(|| ServiceError::field("role", "directory-filter-role", vec![]))?;
        // The outer query is scoped: the subquery only narrows it.
        query = query.filter(
            account::Column::Id.in_subquery(
                Query::select()
                    .column(account_role::Column::AccountId)
                    .from(account_role::Entity)
                    .and_where(account_role::Column::Role.eq(account_role::AccountRole::from(role)))
                    .to_owned(),
            ),
        );
    }
    if let Some(active) = filter.active {
        query = query.filter(account::Column::Active.eq(active));
    }
    Ok(sort.apply(query, account::Column::Id))
}

/// The accounts the caller reads, filtered, sorted (by address unless asked otherwise) and
/// paged.
pub async fn listed<C: Handle>(
    ctx: &Ctx<C>,
    filter: &AccountFilter,
) -> ServiceResult<Paged<AccountView>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let found = listing::page_of(ctx, filtered(ctx, filter)?, page).await?;
    Ok(Paged {
        items: with_roles(ctx, found.items).await?,
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// One account's cells, in the reader's language.
fn cells(a: &AccountView, lang: Lang) -> Vec<String> {
    vec![
        a.display_name.clone(),
        a.email.clone(),
        a.organisation_name.clone(),
        a.roles
            .iter()
            .map(|r| lang.t(&format!("role-{}", r.as_str())))
            .collect::<Vec<_>>()
            .join(", "),
        lang.t(&format!("account-language-{}", a.language)),
        lang.t(if a.active {
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
    filter: &AccountFilter,
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
                Ok(with_roles(ctx, chunk)
                    .await?
                    .iter()
                    .map(|a| cells(a, lang))
                    .collect())
            })
        }),
    )
}
