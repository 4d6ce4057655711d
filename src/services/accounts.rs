//! Accounts: one per person, in one organisation, with additive roles.

use std::collections::BTreeSet;

use chrono::Utc;
use entity::{account, account_role, committee_offer, offer, organisation, team, team_member};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, Query},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PageRequest, Paged, Problems, required_text, stale};
use crate::{
    access::may_grant,
    db::{Scoped, Unscoped},
    domain::{email::Email, role::Role},
    error::AppError,
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
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    organisation_id: Option<i64>,
    page: PageRequest,
) -> Result<Paged<AccountView>, AppError> {
    let page = page.checked()?;
    let mut query = db.find::<account::Entity>();
    if let Some(org) = organisation_id {
        query = query.filter(account::Column::OrganisationId.eq(org));
    }
    let total = query.clone().count(db.conn()).await?;
    let rows = query
        .order_by_asc(account::Column::Email)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    let items = with_roles(db.conn(), rows).await?;
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// Attaches their roles to a page of accounts, in one query.
async fn with_roles<C: ConnectionTrait>(
    db: &C,
    rows: Vec<account::Model>,
) -> Result<Vec<AccountView>, AppError> {
    let roles = Unscoped::find::<account_role::Entity>()
        .filter(account_role::Column::AccountId.is_in(rows.iter().map(|a| a.id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| AccountView {
            roles: roles
                .iter()
                .filter(|r| r.account_id == a.id)
                .filter_map(|r| Role::parse(&r.role))
                .collect(),
            id: a.id,
            email: a.email,
            display_name: a.display_name,
            organisation_id: a.organisation_id,
            language: a.language,
            active: a.active,
            revision: a.revision,
        })
        .collect())
}

/// The id of an active account the caller reads, by address.
pub async fn readable_id_by_email<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    email: &str,
) -> Result<Option<i64>, AppError> {
    Ok(db
        .find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .filter(account::Column::Active.eq(true))
        .into_tuple()
        .one(db.conn())
        .await?)
}

/// One account the caller reads, with its teams; 404 otherwise.
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<AccountDetail, AppError> {
    let row = db
        .find::<account::Entity>()
        .filter(account::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let account = with_roles(db.conn(), vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let teams = Unscoped::find::<team::Entity>()
        .filter(
            team::Column::Id.in_subquery(
                Query::select()
                    .column(team_member::Column::TeamId)
                    .from(team_member::Entity)
                    .and_where(team_member::Column::AccountId.eq(id))
                    .to_owned(),
            ),
        )
        .order_by_asc(team::Column::Name)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|t| TeamRef {
            id: t.id,
            name: t.name,
        })
        .collect();
    let offer_ids: Vec<i64> = Unscoped::find::<committee_offer::Entity>()
        .select_only()
        .column(committee_offer::Column::OfferId)
        .filter(committee_offer::Column::AccountId.eq(id))
        .into_tuple()
        .all(db.conn())
        .await?;
    let committee_offers = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Code)
        .filter(offer::Column::Id.is_in(offer_ids))
        .order_by_asc(offer::Column::Code)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(AccountDetail {
        account,
        teams,
        committee_offers,
    })
}

/// Creates an account in an organisation the caller manages, with roles it may grant, within
/// the contact cap. 422 names the field; 403 when the caller's role does not allow it.
pub async fn create<C>(
    db: &Scoped<'_, C>,
    new: NewAccount,
    password_hash: Option<String>,
    max_contacts: u64,
) -> Result<AccountDetail, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let scope = db.scope();
    let org = db
        .find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(new.organisation_id))
        .one(db.conn())
        .await?
        .ok_or_else(|| AppError::field("organisation_id", "no such organisation"))?;
    if !scope.manages_organisation(org.id) {
        return Err(AppError::Forbidden(
            "you do not manage this organisation's accounts".to_owned(),
        ));
    }
    check_grants(scope, &new.roles)?;
    let mut problems = Problems::default();
    let email = match Email::parse(&new.email) {
        Ok(email) => Some(email),
        Err(reason) => {
            problems.add("email", reason);
            None
        }
    };
    let name = required_text(&mut problems, "display_name", &new.display_name, 200);
    if new.roles.is_empty() {
        problems.add("roles", "at least one role is required");
    }
    if Lang::parse(&new.language).is_none() {
        problems.add("language", "must be fr or en");
    }
    if !org.active {
        problems.add("organisation_id", "this organisation is inactive");
    }
    if let Some(email) = &email {
        let taken = Unscoped::find::<account::Entity>()
            .filter(account::Column::Email.eq(email.as_str()))
            .count(db.conn())
            .await?
            > 0;
        if taken {
            problems.add("email", "an account already uses this address");
        }
    }
    problems.into_result()?;
    let Some(email) = email else {
        return Err(AppError::field("email", "is not an e-mail address"));
    };

    let txn = db.conn().begin().await?;
    if new.roles.contains(&Role::Contact) {
        check_contact_cap(&txn, org.id, None, max_contacts).await?;
    }
    let now = Utc::now();
    let created = account::ActiveModel {
        email: Set(email.as_str().to_owned()),
        display_name: Set(name),
        organisation_id: Set(org.id),
        password_hash: Set(password_hash),
        language: Set(new.language),
        active: Set(true),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_roles(&txn, created.id, &new.roles).await?;
    txn.commit().await?;
    get(db, created.id).await
}

/// Changes an account the caller manages (404 if unreadable, 403 if not managed, 409 if stale).
pub async fn update<C>(
    db: &Scoped<'_, C>,
    id: i64,
    changes: AccountChanges,
    max_contacts: u64,
) -> Result<AccountDetail, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = get(db, id).await?.account;
    let scope = db.scope();
    if !scope.manages_organisation(current.organisation_id) {
        return Err(AppError::Forbidden(
            "you may read this account but not change it".to_owned(),
        ));
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
        problems.add("language", "must be fr or en");
    }
    if changes.roles.as_ref().is_some_and(Vec::is_empty) {
        problems.add("roles", "at least one role is required");
    }
    let committee_offers = match &changes.committee_offers {
        Some(codes) => {
            let codes: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
            let found: Vec<(i64, String)> = Unscoped::find::<offer::Entity>()
                .select_only()
                .column(offer::Column::Id)
                .column(offer::Column::Code)
                .filter(offer::Column::Code.is_in(codes.clone()))
                .into_tuple()
                .all(db.conn())
                .await?;
            if let Some(missing) = codes.iter().find(|c| !found.iter().any(|(_, f)| f == *c)) {
                problems.add(
                    "committee_offers",
                    format!("no offer has the code {missing}"),
                );
            }
            Some(found.into_iter().map(|(id, _)| id).collect::<Vec<i64>>())
        }
        None => None,
    };
    problems.into_result()?;

    let txn = db.conn().begin().await?;
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
        check_contact_cap(&txn, current.organisation_id, Some(id), max_contacts).await?;
    }
    let scoped_txn = Scoped::new(&txn, scope);
    let mut update = scoped_txn
        .update_many::<account::Entity>()
        .col_expr(account::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(account::Column::Id.eq(id))
        .filter(account::Column::Revision.eq(changes.revision));
    if let Some(name) = name {
        update = update.col_expr(account::Column::DisplayName, Expr::value(name));
    }
    if let Some(language) = changes.language {
        update = update.col_expr(account::Column::Language, Expr::value(language));
    }
    if let Some(active) = changes.active {
        update = update.col_expr(account::Column::Active, Expr::value(active));
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(stale());
    }
    if let Some(roles) = &changes.roles {
        set_roles(&txn, id, roles).await?;
    }
    if let Some(offers) = committee_offers {
        Unscoped::delete_many::<committee_offer::Entity>()
            .filter(committee_offer::Column::AccountId.eq(id))
            .exec(&txn)
            .await?;
        if !offers.is_empty() {
            committee_offer::Entity::insert_many(offers.into_iter().map(|offer_id| {
                committee_offer::ActiveModel {
                    account_id: Set(id),
                    offer_id: Set(offer_id),
                }
            }))
            .exec_without_returning(&txn)
            .await?;
        }
    }
    if changes.active == Some(false) {
        super::password_reset::end_sessions(&txn, id).await?;
        super::tokens::revoke_all(&txn, id).await?;
    }
    txn.commit().await?;
    get(db, id).await
}

/// Sends a password reset link to an account the caller manages.
pub async fn send_reset<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    mailer: &crate::mail::Mailer,
    base_url: &str,
    id: i64,
) -> Result<(), AppError> {
    let current = get(db, id).await?.account;
    if !db.scope().manages_organisation(current.organisation_id) {
        return Err(AppError::Forbidden(
            "you may read this account but not manage it".to_owned(),
        ));
    }
    let to = super::password_reset::LinkTo {
        id: current.id,
        email: &current.email,
        display_name: &current.display_name,
        language: &current.language,
    };
    super::password_reset::mail_link(db.conn(), mailer, base_url, to).await
}

fn check_grants(scope: &crate::access::Scope, roles: &[Role]) -> Result<(), AppError> {
    match roles.iter().find(|r| !may_grant(scope, **r)) {
        Some(role) => Err(AppError::Forbidden(format!(
            "your role may not grant or remove the role {role}"
        ))),
        None => Ok(()),
    }
}

/// Refuses one more active contact in an organisation that has reached the cap.
async fn check_contact_cap<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
    except: Option<i64>,
    max_contacts: u64,
) -> Result<(), AppError> {
    let mut accounts = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::OrganisationId.eq(organisation_id))
        .and_where(account::Column::Active.eq(true))
        .to_owned();
    if let Some(id) = except {
        accounts.and_where(account::Column::Id.ne(id));
    }
    let contacts = Unscoped::find::<account_role::Entity>()
        .filter(account_role::Column::Role.eq(Role::Contact.as_str()))
        .filter(account_role::Column::AccountId.in_subquery(accounts))
        .count(db)
        .await?;
    if contacts >= max_contacts {
        return Err(AppError::field(
            "roles",
            format!("this organisation already has {contacts} contacts, the most allowed"),
        ));
    }
    Ok(())
}

async fn set_roles<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    roles: &[Role],
) -> Result<(), AppError> {
    Unscoped::delete_many::<account_role::Entity>()
        .filter(account_role::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    let roles: BTreeSet<Role> = roles.iter().copied().collect();
    if roles.is_empty() {
        return Ok(());
    }
    account_role::Entity::insert_many(roles.into_iter().map(|role| account_role::ActiveModel {
        account_id: Set(account_id),
        role: Set(role.as_str().to_owned()),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
