//! The index of the evolution requests' list in its default order: the portal lists every
//! request its reader reads, the latest changed first, with no filter on the offer or the
//! state (which `ix_evolution_offer_state` and `ix_evolution_state` lead with). The releases'
//! default order is their id; the FAQs' is served by `ix_faq_updated`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Evolution {
    Table,
    UpdatedAt,
}

const NAME: &str = "ix_evolution_updated";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Evolution::Table)
                    .col(Evolution::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Evolution::Table).to_owned())
            .await
    }
}
