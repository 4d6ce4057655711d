//! The service status of each offer, as a history: one row per period in a status, the current
//! one without an end. The periods feed the availability figures; a status set by hand carries
//! its author, one set by a maintenance window carries the window.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceStatus {
    Table,
    Id,
    OfferId,
    Status,
    Message,
    MessageEn,
    SetBy,
    MaintenanceId,
    StartedAt,
    EndedAt,
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
                    .table(ServiceStatus::Table)
                    .col(big_pk_auto(ServiceStatus::Id))
                    .col(big_integer(ServiceStatus::OfferId))
                    .col(string_len(ServiceStatus::Status, 20))
                    .col(text(ServiceStatus::Message))
                    .col(text_null(ServiceStatus::MessageEn))
                    .col(big_integer_null(ServiceStatus::SetBy))
                    .col(big_integer_null(ServiceStatus::MaintenanceId))
                    .col(timestamp_with_time_zone(ServiceStatus::StartedAt))
                    .col(timestamp_with_time_zone_null(ServiceStatus::EndedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceStatus::Table, ServiceStatus::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The current status of an offer, and its history in order.
        manager
            .create_index(
                Index::create()
                    .name("ix_service_status_offer_started")
                    .table(ServiceStatus::Table)
                    .col(ServiceStatus::OfferId)
                    .col(ServiceStatus::StartedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServiceStatus::Table).to_owned())
            .await
    }
}
