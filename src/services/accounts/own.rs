//! What a signed-in person changes of their own account: name, language, and password (given
//! the current one). Roles, organisation and the active flag stay with those who manage it.

use entity::account;
use sea_orm::{
    ColumnTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{AccountDetail, get, language};
use crate::{
    auth::password_reset::{NewPassword, end_sessions},
    db::Ctx,
    domain::password_length,
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
        required_text,
    },
};

/// Changes to one's own account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "display_name": "Rose Rennes-Martin", "language": "en"}))]
pub struct OwnChanges {
    /// The revision read (`GET /api/v1/me` gives it).
    pub revision: i32,
    /// New name.
    pub display_name: Option<String>,
    /// New language: `fr` or `en`.
    pub language: Option<String>,
    /// New password (12 characters at least); needs `current_password`.
    pub new_password: Option<String>,
    /// The password in use, required to set a new one.
    pub current_password: Option<String>,
}

/// Applies `changes` to the caller's own account. 422 naming the field on a blank name, an
/// unknown language, a new password too short or without the right current one; 409 if stale.
pub async fn update(
    ctx: &Ctx,
    rules: NewPassword<'_>,
    changes: OwnChanges,
) -> ServiceResult<AccountDetail> {
    let id = ctx.caller().account_id;
    let mut problems = Problems::default();
    let name = changes
        .display_name
        .as_deref()
        .map(|n| required_text(&mut problems, "display_name", n, 200));
    problems.into_result()?;
    let language = changes.language.as_deref().map(language).transpose()?;
    let hash = match &changes.new_password {
        Some(new) => Some(new_hash(ctx, &rules, new, changes.current_password).await?),
        None => None,
    };
    let tx = ctx.begin().await?;
    let mut update = tx
        .update_many::<account::Entity>()
        // Incremented in SQL: a revision sent at its type's limit matches no row (409), it
        // does not overflow here.
        .col_expr(
            account::Column::Revision,
            Expr::col(account::Column::Revision).add(1),
        )
        .col_expr(account::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(account::Column::Id.eq(id))
        .filter(account::Column::Revision.eq(changes.revision));
    if let Some(name) = name {
        update = update.col_expr(account::Column::DisplayName, Expr::value(name));
    }
    if let Some(language) = language {
        update = update.col_expr(account::Column::Language, Expr::value(language));
    }
    let new_password = hash.is_some();
    if let Some(hash) = hash {
        update = update.col_expr(account::Column::PasswordHash, Expr::value(hash));
    }
    if update.exec(&tx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    if new_password {
        // Whoever else holds a session of this account may hold it with the old password:
        // every browser session ends with the change, as after a reset. The page that made the
        // change keeps its own by moving it to a new id (see `web::account`). API tokens stay:
        // each is a credential of its own, listed with its last use and revoked one by one.
        end_sessions(&tx, id).await?;
    }
    tx.commit().await?;
    get(ctx, id).await
}

/// The hash of a new password, once the current one is checked.
async fn new_hash(
    ctx: &Ctx,
    rules: &NewPassword<'_>,
    new: &str,
    current: Option<String>,
) -> ServiceResult<String> {
    // Named as the body names it (`password` is the reset's and the sign-in's field).
    password_length::check_chosen(new, rules.max_chars).map_err(|err| {
        let (key, args) = err.message();
        ServiceError::field("new_password", key, args)
    })?;
    let wrong = || ServiceError::field("current_password", "field-current-password-wrong", vec![]);
    let current = current.ok_or_else(wrong)?;
    let stored = ctx
        .find::<account::Entity>()
        .filter(account::Column::Id.eq(ctx.caller().account_id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?
        .password_hash
        // An account without a password (signing in elsewhere) has none to change here.
        .ok_or_else(wrong)?;
    if !rules.hasher.verify(current, stored).await? {
        return Err(wrong());
    }
    Ok(rules.hasher.hash(new.to_owned()).await?)
}
