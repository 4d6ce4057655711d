//! Maintenance windows can be edited and cancelled: a `revision` for the optimistic lock of an
//! edit (a stale edit is a 409), and `cancelled_at`, set once by the compare-and-set that
//! cancels (the state column then says `cancelled`, which the job never moves on).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MaintenanceWindow {
    Table,
    Revision,
    CancelledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite takes a single ALTER option at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(MaintenanceWindow::Table)
                    .add_column(integer(MaintenanceWindow::Revision).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MaintenanceWindow::Table)
                    .add_column(timestamp_with_time_zone_null(
                        MaintenanceWindow::CancelledAt,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [MaintenanceWindow::CancelledAt, MaintenanceWindow::Revision] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MaintenanceWindow::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
