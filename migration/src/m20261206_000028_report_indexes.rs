//! Indexes for the reports and the dashboards' period queries: the reports count the tickets
//! filed in a range of months (by offer for a provider's staff, whose scope is a list of
//! offers). The pipeline's grouping by offer and state is served by `ix_evolution_offer_state`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ticket {
    Table,
    CreatedAt,
    OfferId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let indexes = [
            Index::create()
                .name("ix_ticket_created_offer")
                .table(Ticket::Table)
                .col(Ticket::CreatedAt)
                .col(Ticket::OfferId)
                .to_owned(),
            Index::create()
                .name("ix_ticket_offer_created")
                .table(Ticket::Table)
                .col(Ticket::OfferId)
                .col(Ticket::CreatedAt)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_ticket_created_offer", "ix_ticket_offer_created"] {
            manager
                .drop_index(Index::drop().name(name).table(Ticket::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
