//! Settings an administrator changes at run time: the priority matrix.

use entity::setting;
use sea_orm::{ActiveValue::Set, EntityTrait, sea_query::OnConflict};

use crate::{
    db::{Ctx, Handle},
    domain::priority::Matrix,
    services::error::{ServiceError, ServiceResult},
};

const MATRIX: &str = "priority_matrix";

/// The current matrix: the administrator's, or the spec's by default.
pub async fn matrix<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Matrix> {
    Ok(crate::db::settings::read(ctx, MATRIX)
        .await?
        .unwrap_or_default())
}

/// Replaces the matrix; administrators only. Tickets already filed keep their priority.
pub async fn set_matrix<C: Handle>(ctx: &Ctx<C>, matrix: &Matrix) -> ServiceResult<Matrix> {
    if !ctx.scope().admin {
        return Err(ServiceError::forbidden("ticket-matrix-admin-only", vec![]));
    }
    let value = serde_json::to_string(matrix).map_err(|e| ServiceError::Internal(e.into()))?;
    setting::Entity::insert(setting::ActiveModel {
        key: Set(MATRIX.to_owned()),
        value: Set(value),
        updated_at: Set(ctx.now()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(ctx)
    .await?;
    Ok(matrix.clone())
}
