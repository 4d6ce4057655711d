//! Personal feed tokens: the secret in the address of one's service status Atom feed, which a
//! feed reader sends without signing in. One per account (regenerating replaces it); only its
//! SHA-256 is stored, as for API tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FeedToken {
    Table,
    Id,
    AccountId,
    TokenHash,
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
                    .table(FeedToken::Table)
                    .col(big_pk_auto(FeedToken::Id))
                    .col(big_integer(FeedToken::AccountId).unique_key())
                    .col(string_len(FeedToken::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(FeedToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedToken::Table, FeedToken::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FeedToken::Table).to_owned())
            .await
    }
}
