//! Platform-wide settings (the priority matrix, the steering rules): one row per key, the same
//! for every tenant, read by everyone whose work they govern and written by administrators.
#![expect(
    clippy::disallowed_methods,
    reason = "settings belong to the platform, not to a tenant: there is no scope to apply"
)]

use entity::setting;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::de::DeserializeOwned;

/// The setting `key`, if an administrator stored one. A stored value that no longer decodes is
/// an error naming the key, never silently replaced by the default.
pub async fn read<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<T>, DbErr> {
    let Some(row) = setting::Entity::find()
        .filter(setting::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    serde_json::from_str(&row.value)
        .map(Some)
        .map_err(|e| DbErr::Type(format!("setting.value of {key:?} does not decode: {e}")))
}
