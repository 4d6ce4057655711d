//! A step of an evolution request's state, with who took it and why; append-only.

use sea_orm::entity::prelude::*;

use crate::evolution::EvolutionState;

/// A row of `evolution_history`; `actor_id` is none for steps the platform takes (a release's).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evolution_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub evolution_id: i64,
    pub actor_id: Option<i64>,
    pub from_state: Option<EvolutionState>,
    pub to_state: EvolutionState,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
