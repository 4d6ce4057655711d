//! An SLA may choose to pause its clocks during the announced maintenance of the ticket's offer:
//! `pause_during_maintenance`, off for every SLA that exists (their deadlines do not move).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sla {
    Table,
    PauseDuringMaintenance,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sla::Table)
                    .add_column(boolean(Sla::PauseDuringMaintenance).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sla::Table)
                    .drop_column(Sla::PauseDuringMaintenance)
                    .to_owned(),
            )
            .await
    }
}
