//! Planned maintenance windows of an offer, published ahead: a job starts and ends them (the
//! offer shows `maintenance` meanwhile) and tells subscribers once at each step; `state` moves
//! by compare-and-set, so each step happens once whatever the number of processes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MaintenanceWindow {
    Table,
    Id,
    OfferId,
    StartsAt,
    EndsAt,
    Message,
    MessageEn,
    State,
    Reminded,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceWindow::Table)
                    .col(big_pk_auto(MaintenanceWindow::Id))
                    .col(big_integer(MaintenanceWindow::OfferId))
                    .col(timestamp_with_time_zone(MaintenanceWindow::StartsAt))
                    .col(timestamp_with_time_zone(MaintenanceWindow::EndsAt))
                    .col(text(MaintenanceWindow::Message))
                    .col(text_null(MaintenanceWindow::MessageEn))
                    .col(string_len(MaintenanceWindow::State, 16))
                    .col(boolean(MaintenanceWindow::Reminded).default(false))
                    .col(big_integer_null(MaintenanceWindow::CreatedBy))
                    .col(timestamp_with_time_zone(MaintenanceWindow::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenanceWindow::Table, MaintenanceWindow::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The job's question: which windows are due to move on.
        manager
            .create_index(
                Index::create()
                    .name("ix_maintenance_window_state_starts")
                    .table(MaintenanceWindow::Table)
                    .col(MaintenanceWindow::State)
                    .col(MaintenanceWindow::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MaintenanceWindow::Table).to_owned())
            .await
    }
}
