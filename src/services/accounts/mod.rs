//! Accounts: one per person, in one organisation, with additive roles.

mod list;
pub use list::{AccountColumn, AccountFilter, export, listed};
pub mod own;
mod stored;

use std::collections::BTreeSet;

use entity::{
    account::{self, AccountLanguage},
    account_role::{self, AccountRole},
    committee_offer, organisation,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, Query},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    PageRequest, Paged, Problems,
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::{
    access::{Scope, may_grant},
    db::{Ctx, Handle, directory},
    domain::{email::Email, role::Role},
    i18n::Lang,
};

/// An account as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    /// Id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// Shown name.
    pub display_name: String,
    /// The account's organisation.
    pub organisation_id: i64,
    /// Its name.
    pub organisation_name: String,
    /// `fr` or `en`.
    pub language: String,
    /// Inactive accounts cannot sign in.
    pub active: bool,
    /// Roles held.
    pub roles: Vec<Role>,
    /// For optimistic locking.
    pub revision: i32,
}

/// A team an account belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRef {
    /// Team id.
    pub id: i64,
    /// Team name.
    pub name: String,
}

/// An account with its teams.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDetail {
    /// The account.
    #[serde(flatten)]
    pub account: AccountView,
    /// Its teams.
    pub teams: Vec<TeamRef>,
    /// For a committee member limited to some offers, their codes (empty: every offer).
    pub committee_offers: Vec<String>,
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "contact2@univ-rennes2.demo.guichet", "display_name": "Romain Rennes", "organisation_id": 7, "roles": ["contact"], "language": "fr"}))]
pub struct NewAccount {
    /// Sign-in address.
    pub email: String,
    /// Shown name.
    pub display_name: String,
    /// Organisation id.
    pub organisation_id: i64,
    /// Roles, at least one.
    pub roles: Vec<Role>,
    /// `fr` (default) or `en`.
    #[serde(default = "french")]
    pub language: String,
}

fn french() -> String {
    "fr".to_owned()
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "display_name": "Romain Rennes-Martin", "language": "en", "active": true}))]
pub struct AccountChanges {
    /// The revision read.
    pub revision: i32,
    /// New name.
    pub display_name: Option<String>,
    /// New language.
    pub language: Option<String>,
    /// The whole new set of roles.
    pub roles: Option<Vec<Role>>,
    /// Deactivating ends the account's sessions and tokens at once.
    pub active: Option<bool>,
    /// Codes of the offers a committee member is limited to (empty: every offer).
    pub committee_offers: Option<Vec<String>>,
}

/// The accounts the caller reads, optionally of one organisation, by e-mail.
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    organisation_id: Option<i64>,
    page: PageRequest,
) -> ServiceResult<Paged<AccountView>> {
    let page = page.checked()?;
    let mut query = ctx.find::<account::Entity>();
    if let Some(org) = organisation_id {
        query = query.filter(account::Column::OrganisationId.eq(org));
    }
    let total = query.clone().count(ctx).await?;
    let rows = query
        .order_by_asc(account::Column::Email)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?;
    let items = with_roles(ctx, rows).await?;
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// Attaches their roles and their organisations' names to a page of accounts, in two queries.
async fn with_roles<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<account::Model>,
) -> ServiceResult<Vec<AccountView>> {
    let roles = ctx
        .find::<account_role::Entity>()
        .filter(account_role::Column::AccountId.is_in(rows.iter().map(|a| a.id)))
        .all(ctx)
        .await?;
    // An account the caller reads names its organisation (a public label).
    let organisations = directory::organisations(
        ctx,
        rows.iter().map(|a| a.organisation_id).collect::<Vec<_>>(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| AccountView {
            roles: roles
                .iter()
                .filter(|r| r.account_id == a.id)
                .map(|r| Role::from(r.role))
                .collect(),
            id: a.id,
            email: a.email,
            display_name: a.display_name,
            organisation_name: organisations
                .iter()
                .find(|o| o.id == a.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            organisation_id: a.organisation_id,
            language: Lang::from(a.language).code().to_owned(),
            active: a.active,
            revision: a.revision,
        })
        .collect())
}

/// A language code as submitted (422 on `language` unless `fr` or `en`).
fn language(code: &str) -> ServiceResult<AccountLanguage> {
    Lang::parse(code)
        .map(AccountLanguage::from)
        .ok_or_else(|| ServiceError::field("language", "field-language-fr-en", vec![]))
}

/// The id of an active account the caller reads, by address.
pub async fn readable_id_by_email<C: Handle>(
    ctx: &Ctx<C>,
    email: &str,
) -> ServiceResult<Option<i64>> {
    Ok(ctx
        .find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .filter(account::Column::Active.eq(true))
        .into_tuple()
        .one(ctx)
        .await?)
}

/// One account the caller reads, with its teams; 404 otherwise.
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<AccountDetail> {
    let row = ctx
        .find::<account::Entity>()
        .filter(account::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let account = with_roles(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)?;
    let teams = teams_of(id, ctx).await?;
    let offer_ids = ctx
        .find::<committee_offer::Entity>()
        .select_only()
        .column(committee_offer::Column::OfferId)
        .filter(committee_offer::Column::AccountId.eq(id))
        .into_query();
    // The list was read through the account's rule just above.
    let mut committee_offers: Vec<String> = directory::offers(ctx, offer_ids)
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect();
    committee_offers.sort();
    Ok(AccountDetail {
        account,
        teams,
        committee_offers,
    })
}

/// The teams of an account the caller reads, by name.
async fn teams_of<C: Handle>(id: i64, ctx: &Ctx<C>) -> ServiceResult<Vec<TeamRef>> {
    // An account's teams are named with it (a provider's team may sit outside the reader's
    // subtree); the account itself was read through its rule.
    Ok(directory::teams_of(ctx, id)
        .await?
        .into_iter()
        .map(|(id, name)| TeamRef { id, name })
        .collect())
}

/// Checks a new account's fields: its address (free on the platform), name, roles, language,
/// and that its organisation is active.
async fn checked_new(
    ctx: &Ctx,
    new: &NewAccount,
    organisation_active: bool,
) -> ServiceResult<(Email, String)> {
    let mut problems = Problems::default();
    let email = match Email::parse(&new.email) {
        Ok(email) => Some(email),
        Err(refused) => {
            let (key, args) = refused.message();
            problems.rule("email", key, args);
            None
        }
    };
    let name = required_text(&mut problems, "display_name", &new.display_name, 200);
    if new.roles.is_empty() {
        problems.rule("roles", "field-roles-required", vec![]);
    }
    if Lang::parse(&new.language).is_none() {
        problems.rule("language", "field-language-fr-en", vec![]);
    }
    if !organisation_active {
        problems.rule("organisation_id", "field-organisation-inactive", vec![]);
    }
    if let Some(email) = &email {
        // An address signs in one account on the whole platform.
        let same = sea_orm::Condition::all().add(account::Column::Email.eq(email.as_str()));
        if directory::taken::<account::Entity>(ctx, same).await? {
            problems.rule("email", "field-email-taken", vec![]);
        }
    }
    problems.into_result()?;
    let Some(email) = email else {
        return Err(ServiceError::field("email", "field-email-invalid", vec![]));
    };

    Ok((email, name))
}

/// Creates an account in an organisation the caller manages, with roles it may grant, within
/// the contact cap. 422 names the field; 403 when the caller's role does not allow it.
pub async fn create(
    ctx: &Ctx,
    new: NewAccount,
    password_hash: Option<String>,
    max_contacts: u64,
) -> ServiceResult<AccountDetail> {
    let scope = ctx.scope();
    let org = ctx
        .find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(new.organisation_id))
        .one(ctx)
        .await?
        .ok_or_else(|| ServiceError::field("organisation_id", "field-unknown", vec![]))?;
    if !scope.manages_organisation(org.id) {
        return Err(ServiceError::forbidden(
            "refused-account-organisation-not-managed",
            vec![],
        ));
    }
    check_grants(scope, &new.roles)?;
    let (email, name) = checked_new(ctx, &new, org.active).await?;

    let tx = ctx.begin().await?;
    if new.roles.contains(&Role::Contact) {
        check_contact_cap(&tx, org.id, None, max_contacts).await?;
    }
    let now = ctx.now();
    let created = account::ActiveModel {
        email: Set(email.as_str().to_owned()),
        display_name: Set(name),
        organisation_id: Set(org.id),
        password_hash: Set(password_hash),
        language: Set(language(&new.language)?),
        active: Set(true),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    set_roles(&tx, created.id, &new.roles).await?;
    tx.commit().await?;
    get(ctx, created.id).await
}

/// What an account change asks, checked against the account as it is.
struct Checked {
    name: Option<String>,
    committee_offers: Option<Vec<i64>>,
}

/// Checks an account change: the roles touched, the fields, the committee offers' codes.
async fn checked<C: Handle>(
    ctx: &Ctx<C>,
    current: &AccountView,
    changes: &AccountChanges,
) -> ServiceResult<Checked> {
    let scope = ctx.scope();
    if !scope.manages_organisation(current.organisation_id) {
        return Err(ServiceError::forbidden("refused-account-read-only", vec![]));
    }
    if let Some(roles) = &changes.roles {
        // Neither granting nor taking away a role one may not grant.
        let before: BTreeSet<Role> = current.roles.iter().copied().collect();
        let after: BTreeSet<Role> = roles.iter().copied().collect();
        let touched: Vec<Role> = before.symmetric_difference(&after).copied().collect();
        check_grants(scope, &touched)?;
    }
    let mut problems = Problems::default();
    let name = changes
        .display_name
        .as_deref()
        .map(|n| required_text(&mut problems, "display_name", n, 200));
    if let Some(language) = &changes.language
        && Lang::parse(language).is_none()
    {
        problems.rule("language", "field-language-fr-en", vec![]);
    }
    if changes.roles.as_ref().is_some_and(Vec::is_empty) {
        problems.rule("roles", "field-roles-required", vec![]);
    }
    let committee_offers = match &changes.committee_offers {
        Some(codes) => match crate::services::catalogue::offers::ids_of_codes(ctx, codes).await? {
            Ok(ids) => Some(ids),
            Err(missing) => {
                problems.rule(
                    "committee_offers",
                    "field-offer-code-unknown",
                    vec![("code", missing)],
                );
                Some(Vec::new())
            }
        },
        None => None,
    };
    problems.into_result()?;
    Ok(Checked {
        name,
        committee_offers,
    })
}

/// Changes an account the caller manages (404 if unreadable, 403 if not managed, 409 if stale).
pub async fn update(
    ctx: &Ctx,
    id: i64,
    changes: AccountChanges,
    max_contacts: u64,
) -> ServiceResult<AccountDetail> {
    let current = get(ctx, id).await?.account;
    let Checked {
        name,
        committee_offers,
    } = checked(ctx, &current, &changes).await?;

    let tx = ctx.begin().await?;
    let gains_contact = changes
        .roles
        .as_ref()
        .is_some_and(|r| r.contains(&Role::Contact))
        && !current.roles.contains(&Role::Contact);
    let reactivated_contact = changes.active == Some(true)
        && !current.active
        && changes
            .roles
            .as_ref()
            .unwrap_or(&current.roles)
            .contains(&Role::Contact);
    if gains_contact || reactivated_contact {
        check_contact_cap(&tx, current.organisation_id, Some(id), max_contacts).await?;
    }
    let mut update = tx
        .update_many::<account::Entity>()
        .col_expr(account::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(account::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(account::Column::Id.eq(id))
        .filter(account::Column::Revision.eq(changes.revision));
    if let Some(name) = name {
        update = update.col_expr(account::Column::DisplayName, Expr::value(name));
    }
    if let Some(code) = &changes.language {
        update = update.col_expr(account::Column::Language, Expr::value(language(code)?));
    }
    if let Some(active) = changes.active {
        update = update.col_expr(account::Column::Active, Expr::value(active));
    }
    if update.exec(&tx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    if let Some(roles) = &changes.roles {
        set_roles(&tx, id, roles).await?;
    }
    if let Some(offers) = committee_offers {
        set_committee_offers(&tx, id, offers).await?;
    }
    if changes.active == Some(false) {
        crate::auth::password_reset::end_sessions(&tx, id).await?;
        super::tokens::revoke_all(&tx, id, ctx.now()).await?;
    }
    tx.commit().await?;
    get(ctx, id).await
}

/// Sends a password reset link to an account the caller manages.
pub async fn send_reset<C: Handle>(
    ctx: &Ctx<C>,
    mailer: &crate::mail::Mailer,
    base_url: &str,
    id: i64,
) -> ServiceResult<()> {
    let current = get(ctx, id).await?.account;
    if !ctx.scope().manages_organisation(current.organisation_id) {
        return Err(ServiceError::forbidden(
            "refused-account-not-managed",
            vec![],
        ));
    }
    let to = crate::auth::password_reset::LinkTo {
        id: current.id,
        email: &current.email,
        display_name: &current.display_name,
        language: Lang::parse(&current.language)
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("account {id}: no language")))?,
    };
    crate::auth::password_reset::mail_link(ctx, mailer, base_url, to).await
}

fn check_grants(scope: &Scope, roles: &[Role]) -> ServiceResult<()> {
    match roles.iter().find(|r| !may_grant(scope, **r)) {
        Some(role) => Err(ServiceError::forbidden(
            "refused-role-not-grantable",
            vec![("role", role.as_str().to_owned())],
        )),
        None => Ok(()),
    }
}

/// Refuses one more active contact in an organisation that has reached the cap.
async fn check_contact_cap<C: Handle>(
    ctx: &Ctx<C>,
    organisation_id: i64,
    except: Option<i64>,
    max_contacts: u64,
) -> ServiceResult<()> {
    let mut accounts = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::OrganisationId.eq(organisation_id))
        .and_where(account::Column::Active.eq(true))
        .to_owned();
    if let Some(id) = except {
        accounts.and_where(account::Column::Id.ne(id));
    }
    // The organisation is one the caller manages (checked before), so its accounts' roles are
    // all within reach of the caller's rule.
    let contacts = ctx
        .find::<account_role::Entity>()
        .filter(account_role::Column::Role.eq(AccountRole::Contact))
        .filter(account_role::Column::AccountId.in_subquery(accounts))
        .count(ctx)
        .await?;
    if contacts >= max_contacts {
        return Err(ServiceError::field(
            "roles",
            "field-contacts-cap",
            vec![("count", contacts.to_string())],
        ));
    }
    Ok(())
}

/// Replaces the roles of an account the caller manages.
async fn set_roles<C: Handle>(ctx: &Ctx<C>, account_id: i64, roles: &[Role]) -> ServiceResult<()> {
    ctx.delete_many::<account_role::Entity>()
        .filter(account_role::Column::AccountId.eq(account_id))
        .exec(ctx)
        .await?;
    let roles: BTreeSet<Role> = roles.iter().copied().collect();
    for role in roles {
        ctx.insert_child::<account_role::Entity, _>(account_role::ActiveModel {
            account_id: Set(account_id),
            role: Set(role.into()),
        })
        .await?;
    }
    Ok(())
}

/// Replaces the offers a committee member of an account the caller manages is limited to.
async fn set_committee_offers<C: Handle>(
    ctx: &Ctx<C>,
    account_id: i64,
    offers: Vec<i64>,
) -> ServiceResult<()> {
    ctx.delete_many::<committee_offer::Entity>()
        .filter(committee_offer::Column::AccountId.eq(account_id))
        .exec(ctx)
        .await?;
    for offer_id in offers {
        ctx.insert_child::<committee_offer::Entity, _>(committee_offer::ActiveModel {
            account_id: Set(account_id),
            offer_id: Set(offer_id),
        })
        .await?;
    }
    Ok(())
}
