//! The steering committee's rules (quorum, majority) and chair: the platform's setting
//! `steering`, set by administrators.

use entity::setting;
use sea_orm::{ActiveValue::Set, EntityTrait, sea_query::OnConflict};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access::Caller,
    db::{Ctx, Handle},
    domain::steering::Rules,
    services::error::{ServiceError, ServiceResult},
};

/// The steering committee's rules and chair (setting `steering`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"quorum": 2, "majority_percent": 50, "chair": 12}))]
pub struct SteeringSettings {
    /// Quorum and majority.
    #[serde(flatten)]
    pub rules: Rules,
    /// The chair's account id.
    pub chair: Option<i64>,
}

const STEERING: &str = "steering";

/// The steering settings in force.
pub async fn steering_settings<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<SteeringSettings> {
    Ok(crate::db::settings::read(ctx, STEERING)
        .await?
        .unwrap_or_default())
}

/// Whether the caller may set the steering rules and chair: administrators only (403). Forms
/// that name the chair by address ask this before looking the address up, so that nobody else
/// learns from the answer whether an account has it.
pub fn may_set_steering(caller: &Caller) -> ServiceResult<()> {
    if caller.scope.admin {
        Ok(())
    } else {
        Err(ServiceError::forbidden("steering-set-by-admins", vec![]))
    }
}

/// Sets the steering rules and chair: administrators only.
pub async fn set_steering_settings<C: Handle>(
    ctx: &Ctx<C>,
    settings: SteeringSettings,
) -> ServiceResult<SteeringSettings> {
    may_set_steering(ctx.caller())?;
    if settings.rules.quorum == 0 || settings.rules.quorum > 100 {
        return Err(ServiceError::field(
            "quorum",
            "steering-quorum-range",
            vec![],
        ));
    }
    if !(50..100).contains(&settings.rules.majority_percent) {
        return Err(ServiceError::field(
            "majority_percent",
            "steering-majority-range",
            vec![],
        ));
    }
    let value = serde_json::to_string(&settings).map_err(|e| ServiceError::Internal(e.into()))?;
    setting::Entity::insert(setting::ActiveModel {
        key: Set(STEERING.to_owned()),
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
    Ok(settings)
}
