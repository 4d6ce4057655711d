//! Settings an administrator changes at run time: the priority matrix.

use chrono::Utc;
use entity::setting;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};

use crate::{access::Caller, db::Unscoped, domain::priority::Matrix, error::AppError};

const MATRIX: &str = "priority_matrix";

/// The current matrix: the administrator's, or the spec's by default.
pub async fn matrix<C: ConnectionTrait>(db: &C) -> Result<Matrix, AppError> {
    let stored = Unscoped::find::<setting::Entity>()
        .filter(setting::Column::Key.eq(MATRIX))
        .one(db)
        .await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

/// Replaces the matrix; administrators only. Tickets already filed keep their priority.
pub async fn set_matrix<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    matrix: &Matrix,
) -> Result<Matrix, AppError> {
    if !caller.scope.admin {
        return Err(AppError::Forbidden(
            "only administrators change the priority matrix".to_owned(),
        ));
    }
    let value = serde_json::to_string(matrix).map_err(|e| AppError::Internal(e.into()))?;
    setting::Entity::insert(setting::ActiveModel {
        key: Set(MATRIX.to_owned()),
        value: Set(value),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(matrix.clone())
}
