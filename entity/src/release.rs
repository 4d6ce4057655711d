//! A version of an offer, built from a ranked list of evolution requests.

use sea_orm::entity::prelude::*;

/// A row of `offer_release` (`release` is reserved in MySQL): `kind` is `major` or `minor`; `state` `draft`, `proposed`, `approved`,
/// `in_development` or `released`; `capacity_days` the effort the committee declares available.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_release")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub version: String,
    pub kind: ReleaseKind,
    pub target_date: Option<Date>,
    pub capacity_days: i32,
    pub state: ReleaseState,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}

/// How big a release is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ReleaseKind {
    /// A major version.
    #[sea_orm(string_value = "major")]
    Major,
    /// A minor version.
    #[sea_orm(string_value = "minor")]
    Minor,
}

/// Where a release stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ReleaseState {
    /// Being built by the project committee.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Before the steering committee.
    #[sea_orm(string_value = "proposed")]
    Proposed,
    /// Decided.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Being built.
    #[sea_orm(string_value = "in_development")]
    InDevelopment,
    /// Shipped.
    #[sea_orm(string_value = "released")]
    Released,
}
