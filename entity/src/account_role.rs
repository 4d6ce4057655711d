//! The roles an account holds; roles are additive.

use sea_orm::entity::prelude::*;

/// A row of `account_role`: one role of one account.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_role")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: AccountRole,
}

impl ActiveModelBehavior for ActiveModel {}

/// A role an account holds (SPEC section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AccountRole {
    /// An establishment's single point of contact.
    #[sea_orm(string_value = "contact")]
    Contact,
    /// A member of provider teams.
    #[sea_orm(string_value = "agent")]
    Agent,
    /// Consortium staff.
    #[sea_orm(string_value = "coordinator")]
    Coordinator,
    /// A project committee member.
    #[sea_orm(string_value = "committee")]
    Committee,
    /// A steering committee member.
    #[sea_orm(string_value = "steering")]
    Steering,
    /// A platform administrator.
    #[sea_orm(string_value = "admin")]
    Admin,
}
