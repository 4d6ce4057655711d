//! Password reset by e-mail: a single-use link, valid one hour, stored as a digest; using it
//! ends every session of the account.

use std::net::IpAddr;

use chrono::Duration;
use entity::{account, password_reset, session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, sea_query::Expr,
};

use crate::{
    auth::secret,
    auth::throttle,
    db::{Ctx, Handle, Unscoped},
    domain::{
        email::Email,
        password_length,
        throttle::{Policy, Verdict},
    },
    i18n::Lang,
    mail::Mailer,
    password::Hasher,
    services::error::{ServiceError, ServiceResult},
    state::AppState,
};

/// How long a reset link stays valid.
pub const VALIDITY: Duration = Duration::hours(1);

/// What a public reset request needs besides the address: where mail goes, and the limits.
pub struct ResetRequest<'a> {
    mailer: &'a Mailer,
    base_url: String,
    per_account: i32,
    per_address: i32,
    ip: IpAddr,
}

impl<'a> ResetRequest<'a> {
    /// A request from `ip`, with the server's settings.
    pub fn new(state: &'a AppState, ip: IpAddr) -> Self {
        Self {
            mailer: &state.mailer,
            base_url: state.config.base_url(),
            per_account: state.config.reset_mails_per_account,
            per_address: state.config.reset_mails_per_address,
            ip,
        }
    }

    fn policy(max_attempts: i32) -> Policy {
        Policy {
            max_attempts,
            window: Duration::hours(1),
        }
    }
}

/// Sends a reset link to `email` if an active account has it, unless the client's address or
/// the account has had its mails for the hour. Answers the same in every case, so the form
/// reveals neither who has an account nor who is being limited. `ctx` is the platform's: the
/// visitor is not signed in.
pub async fn request<C: Handle>(
    ctx: &Ctx<C>,
    request: ResetRequest<'_>,
    email: &str,
) -> ServiceResult<()> {
    let address_key = format!("reset-ip:{}", request.ip);
    let per_address = ResetRequest::policy(request.per_address);
    if let Verdict::Locked { .. } =
        throttle::count(ctx, &address_key, per_address, ctx.now()).await?
    {
        tracing::info!(ip = %request.ip, "password reset refused: the address's hourly limit");
        return Ok(());
    }
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let Some(account) = ctx
        .find::<account::Entity>()
        .filter(account::Column::Email.eq(email.as_str()))
        .filter(account::Column::Active.eq(true))
        .one(ctx)
        .await?
    else {
        return Ok(());
    };
    let account_key = format!("reset-account:{}", account.id);
    let per_account = ResetRequest::policy(request.per_account);
    if let Verdict::Locked { .. } =
        throttle::count(ctx, &account_key, per_account, ctx.now()).await?
    {
        tracing::info!(
            account = account.id,
            "password reset refused: the account's hourly limit"
        );
        return Ok(());
    }
    let to = LinkTo {
        id: account.id,
        email: &account.email,
        display_name: &account.display_name,
        language: account.language.into(),
    };
    mail_link(ctx, request.mailer, &request.base_url, to).await
}

/// Who a reset link is mailed to.
pub struct LinkTo<'a> {
    /// The account.
    pub id: i64,
    /// Its address.
    pub email: &'a str,
    /// Its name, to greet it.
    pub display_name: &'a str,
    /// Its language, for the mail.
    pub language: Lang,
}

/// Mails `account` a new reset link (a manager's request goes straight here: it is signed in,
/// and not a way to flood anyone).
pub async fn mail_link<C: Handle>(
    ctx: &Ctx<C>,
    mailer: &Mailer,
    base_url: &str,
    account: LinkTo<'_>,
) -> ServiceResult<()> {
    let token = issue(ctx, account.id).await?;
    let lang = account.language;
    let link = format!("{base_url}/password/reset?token={token}");
    let body = lang.t_args(
        "mail-reset-body",
        &[("name", account.display_name.to_owned()), ("link", link)],
    );
    if let Err(err) = mailer
        .send(account.email, &lang.t("mail-reset-subject"), &body)
        .await
    {
        // The visitor is told the same thing either way; the operator learns from the log.
        tracing::error!(error = %err, account = account.id, "reset mail not sent");
    }
    Ok(())
}

/// Records a new reset token for an account and answers it (for the mail's link). Callers
/// check who may ask: the account's manager, or anyone who knows its address (the mail goes to
/// the account, not to them).
pub async fn issue<C: Handle>(ctx: &Ctx<C>, account_id: i64) -> ServiceResult<String> {
    let token = secret::generate("rst_")?;
    let now = ctx.now();
    password_reset::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(secret::digest(&token)),
        created_at: Set(now),
        expires_at: Set(now + VALIDITY),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(token)
}

/// How a new password is checked and hashed.
pub struct NewPassword<'a> {
    /// The hashing pool.
    pub hasher: &'a Hasher,
    /// The longest password accepted.
    pub max_chars: usize,
}

impl<'a> NewPassword<'a> {
    /// With the server's settings.
    pub fn new(state: &'a AppState) -> Self {
        Self {
            hasher: &state.passwords,
            max_chars: state.config.password_max_chars,
        }
    }
}

/// Sets a new password with a reset token. 422 on `token` when it is unknown, used or expired,
/// and on `password` when too short or too long; nothing changes then. `ctx` is the platform's:
/// the token is the visitor's only credential.
pub async fn complete(
    ctx: &Ctx,
    rules: NewPassword<'_>,
    token: &str,
    new_password: &str,
) -> ServiceResult<()> {
    password_length::check_chosen(new_password, rules.max_chars)?;
    let now = ctx.now();
    let unusable = || ServiceError::field("token", "field-reset-link-unusable", vec![]);
    // Unscoped: a reset token has no owner signed in; its digest is the credential.
    let Some(reset) = Unscoped::find::<password_reset::Entity>()
        .filter(password_reset::Column::TokenHash.eq(secret::digest(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .one(ctx)
        .await?
    else {
        return Err(unusable());
    };
    let hash = rules.hasher.hash(new_password.to_owned()).await?;
    let tx = ctx.begin().await?;
    // Marking it used is the guard against a second use racing this one.
    // Unscoped: as above, the token is the credential.
    let used = Unscoped::update_many::<password_reset::Entity>()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&tx)
        .await?;
    if used.rows_affected != 1 {
        return Err(unusable());
    }
    tx.update_many::<account::Entity>()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(reset.account_id))
        .exec(&tx)
        .await?;
    end_sessions(&tx, reset.account_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every browser session of an account.
pub async fn end_sessions<C: ConnectionTrait>(db: &C, account_id: i64) -> ServiceResult<()> {
    // Unscoped: sessions are the platform's records; the caller was checked to manage the
    // account (or holds its reset token).
    Unscoped::delete_many::<session::Entity>()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}
