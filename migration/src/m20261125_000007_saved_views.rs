//! Saved ticket views: a person's own named filters of the ticket lists.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SavedView {
    Table,
    Id,
    AccountId,
    Name,
    Query,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SavedView::Table)
                    .col(big_pk_auto(SavedView::Id))
                    .col(big_integer(SavedView::AccountId))
                    .col(string_len(SavedView::Name, 100))
                    .col(string_len(SavedView::Query, 1000))
                    .col(timestamp_with_time_zone(SavedView::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_saved_view_account")
                            .from(SavedView::Table, SavedView::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One name per person; the list of a person's views reads this index.
        manager
            .create_index(
                Index::create()
                    .name("ux_saved_view_account_name")
                    .table(SavedView::Table)
                    .col(SavedView::AccountId)
                    .col(SavedView::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SavedView::Table).to_owned())
            .await
    }
}
