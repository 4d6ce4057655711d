//! Password reset by e-mail: a single-use link, valid one hour, stored as a digest; using it
//! ends every session of the account.

use chrono::{Duration, Utc};
use entity::{account, password_reset, session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter,
    TransactionSession, TransactionTrait, sea_query::Expr,
};

use crate::{
    auth::secret, db::Unscoped, domain::email::Email, error::AppError, i18n::Lang, mail::Mailer,
    password,
};

/// How long a reset link stays valid.
pub const VALIDITY: Duration = Duration::hours(1);

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// Sends a reset link to `email` if an active account has it. Answers the same either way, so
/// the form reveals nothing about who has an account.
pub async fn request<C: ConnectionTrait>(
    db: &C,
    mailer: &Mailer,
    base_url: &str,
    email: &str,
) -> Result<(), AppError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let Some(account) = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq(email.as_str()))
        .filter(account::Column::Active.eq(true))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let token = issue(db, account.id).await?;
    let lang = Lang::parse(&account.language).unwrap_or_default();
    let link = format!("{base_url}/password/reset?token={token}");
    let body = lang.t_args(
        "mail-reset-body",
        &[("name", account.display_name.clone()), ("link", link)],
    );
    if let Err(err) = mailer
        .send(&account.email, &lang.t("mail-reset-subject"), &body)
        .await
    {
        // The visitor is told the same thing either way; the operator learns from the log.
        tracing::error!(error = %err, account = account.id, "reset mail not sent");
    }
    Ok(())
}

/// Records a new reset token for an account and answers it (for the mail's link).
pub async fn issue<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<String, AppError> {
    let token = secret::generate("rst_")?;
    let now = Utc::now();
    password_reset::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(secret::digest(&token)),
        created_at: Set(now),
        expires_at: Set(now + VALIDITY),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Sets a new password with a reset token. 422 on `token` when it is unknown, used or expired,
/// and on `password` when too short; nothing changes then.
pub async fn complete<C>(db: &C, token: &str, new_password: &str) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    if new_password.chars().count() < MIN_PASSWORD {
        return Err(AppError::field(
            "password",
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    let now = Utc::now();
    let Some(reset) = Unscoped::find::<password_reset::Entity>()
        .filter(password_reset::Column::TokenHash.eq(secret::digest(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Err(AppError::field(
            "token",
            "this link is unknown, used or expired",
        ));
    };
    let hash = password::hash_blocking(new_password.to_owned()).await?;
    let txn = db.begin().await?;
    // Marking it used is the guard against a second use racing this one.
    let used = Unscoped::update_many::<password_reset::Entity>()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::field(
            "token",
            "this link is unknown, used or expired",
        ));
    }
    Unscoped::update_many::<account::Entity>()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(reset.account_id))
        .exec(&txn)
        .await?;
    end_sessions(&txn, reset.account_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every browser session of an account.
pub async fn end_sessions<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<(), AppError> {
    Unscoped::delete_many::<session::Entity>()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}
