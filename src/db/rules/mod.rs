//! Who reads and changes which rows: one [`ScopedEntity`] rule per table, grouped by area. The
//! context ([`crate::db::Ctx`]) adds them to every query it builds.

mod catalogue;
mod digests;
mod evolutions;
mod faqs;
mod mail;
mod people;
mod status;
mod tickets;
mod webhooks;

use entity::offer;
use sea_orm::{
    Condition,
    sea_query::{Query, SelectStatement},
};

pub use tickets::ProviderSide;

/// Everything for administrators, `otherwise` for the others.
fn everything_if(admin: bool, otherwise: Condition) -> Condition {
    if admin { Condition::all() } else { otherwise }
}

/// The ids of the offers a scope reads or changes, as a subquery.
fn offers_where(condition: Condition) -> SelectStatement {
    Query::select()
        .column(offer::Column::Id)
        .from(offer::Entity)
        .cond_where(condition)
        .to_owned()
}
