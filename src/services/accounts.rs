//! Creating accounts (administration and the `guichet user create` command).

use chrono::Utc;
use entity::{account, account_role, organisation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};

use crate::{
    domain::{email::Email, role::Role},
    error::{AppError, FieldError},
};

/// What is needed to create an account.
pub struct NewAccount {
    /// Sign-in address (normalised by [`Email`]).
    pub email: String,
    /// Shown name.
    pub display_name: String,
    /// Code of the organisation the person belongs to.
    pub organisation_code: String,
    /// Roles, at least one.
    pub roles: Vec<Role>,
    /// Already-hashed password (argon2id PHC string), if the account signs in with one.
    pub password_hash: Option<String>,
    /// `fr` or `en`.
    pub language: String,
}

/// Longest display name accepted.
const MAX_NAME: usize = 200;

/// Creates an account with its roles in one transaction; answers 422 naming the field when the
/// input breaks a rule, with nothing written.
pub async fn create<C>(db: &C, new: NewAccount) -> Result<account::Model, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut errors = Vec::new();
    let email = Email::parse(&new.email)
        .map_err(|reason| errors.push(field("email", reason)))
        .ok();
    let name = new.display_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        errors.push(field("display_name", "must be 1 to 200 characters"));
    }
    if new.roles.is_empty() {
        errors.push(field("roles", "at least one role is required"));
    }
    if crate::i18n::Lang::parse(&new.language).is_none() {
        errors.push(field("language", "must be fr or en"));
    }
    let org = organisation::Entity::find()
        .filter(organisation::Column::Code.eq(new.organisation_code.trim()))
        .one(db)
        .await?;
    if org.is_none() {
        errors.push(field("organisation", "no organisation has this code"));
    }
    if let Some(email) = &email {
        let taken = account::Entity::find()
            .filter(account::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .is_some();
        if taken {
            errors.push(field("email", "an account already uses this address"));
        }
    }
    let (Some(email), Some(org), true) = (email, org, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };

    let now = Utc::now();
    let txn = db.begin().await?;
    let created = account::ActiveModel {
        email: Set(email.as_str().to_owned()),
        display_name: Set(name),
        organisation_id: Set(org.id),
        password_hash: Set(new.password_hash),
        language: Set(new.language),
        active: Set(true),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut roles = new.roles;
    roles.sort();
    roles.dedup();
    account_role::Entity::insert_many(roles.into_iter().map(|role| account_role::ActiveModel {
        account_id: Set(created.id),
        role: Set(role.as_str().to_owned()),
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

fn field(name: &str, reason: &str) -> FieldError {
    FieldError {
        field: name.to_owned(),
        reason: reason.to_owned(),
    }
}
