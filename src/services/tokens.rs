//! API tokens: the one `POST /api/v1/auth/login` returns, and personal tokens created in the
//! interface or with `guichet token create`. Shown once; only their digest is stored.

use chrono::{DateTime, Duration, Utc};
use entity::api_token;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    PageRequest, Paged, Problems,
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::{
    auth::secret,
    db::{Ctx, Handle, Unscoped},
};

/// Longest lifetime of a personal token, in days.
pub const MAX_DAYS: i64 = 366;

/// A token as listed (never the secret itself).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Id, for revocation.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
    /// Last use, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revocation time, if revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    /// Id, for revocation.
    pub id: i64,
    /// The secret, for `Authorization: Bearer …`.
    pub token: String,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
}

/// Creates a token for `account_id`, valid from now (real time). Callers check who may
/// ask for it: the account itself (signed in, or by password at `auth/login`) or the platform's
/// command line.
pub async fn create<C: Handle>(
    ctx: &Ctx<C>,
    account_id: i64,
    name: &str,
    lifetime: Duration,
) -> ServiceResult<NewToken> {
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", name, 100);
    if lifetime <= Duration::zero() || lifetime > Duration::days(MAX_DAYS) {
        problems.rule(
            "expires_in_days",
            "field-token-lifetime",
            vec![("max", MAX_DAYS.to_string())],
        );
    }
    problems.into_result()?;
    let token = secret::generate("gch_")?;
    // A token's lifetime is real time, like a session's: the check on each request reads the
    // wall clock (see `crate::auth`), whatever instant the application clock says.
    let now = crate::clock::wall_now();
    let expires_at = now + lifetime;
    let row = api_token::ActiveModel {
        account_id: Set(account_id),
        name: Set(name),
        token_hash: Set(secret::digest(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(NewToken {
        id: row.id,
        token,
        expires_at,
    })
}

/// The caller's own tokens, newest first.
pub async fn list_own<C: Handle>(
    ctx: &Ctx<C>,
    page: PageRequest,
) -> ServiceResult<Paged<TokenView>> {
    let page = page.checked()?;
    let query = ctx.find::<api_token::Entity>();
    let total = query.clone().count(ctx).await?;
    let items = query
        .order_by_desc(api_token::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        })
        .collect();
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// Revokes one of the caller's own tokens; anyone else's is not found.
pub async fn revoke_own<C: Handle>(ctx: &Ctx<C>, token_id: i64) -> ServiceResult<()> {
    let result = ctx
        .update_many::<api_token::Entity>()
        .col_expr(api_token::Column::RevokedAt, Expr::value(ctx.now()))
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(ctx)
        .await?;
    if result.rows_affected == 0 {
        // Already revoked tokens of one's own are fine to revoke again; others' are not found.
        let own = ctx
            .find::<api_token::Entity>()
            .filter(api_token::Column::Id.eq(token_id))
            .count(ctx)
            .await?;
        if own == 0 {
            return Err(ServiceError::NotFound);
        }
    }
    Ok(())
}

/// Revokes every token of an account (deactivation, decided by its manager), at `now`.
pub async fn revoke_all<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    // Unscoped: tokens are their owner's alone to read; deactivating the account (which the
    // caller was checked to manage) ends them all.
    Unscoped::update_many::<api_token::Entity>()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::AccountId.eq(account_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
