//! Idempotency keys remember the request they were first used with and its answer: a digest
//! of the request (a key sent again with another body is refused, not answered with the first
//! result), whether that request is still running (reserved before it runs, so a concurrent
//! retry waits its turn instead of racing), and the status and body it answered (a retry gets
//! them back as they were, whatever the resource became since).
//!
//! The old rows named only the ticket they created, which can replay neither the request's
//! digest nor its answer: the table is recreated rather than altered. A key is a retry window
//! of seconds or minutes, so forgetting the keys of requests made before the upgrade costs at
//! most a duplicate for a retry that straddles it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    AccountId,
    Key,
    RequestDigest,
    State,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
    // Columns of the table as migration 000006 made it, for `down`.
    Resource,
    Reference,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

/// The table's key and owner, the same in both shapes.
fn keyed(table: &mut TableCreateStatement) -> TableCreateStatement {
    table
        .table(IdempotencyKey::Table)
        .col(big_integer(IdempotencyKey::AccountId))
        .col(string_len(IdempotencyKey::Key, 200))
        .primary_key(
            Index::create()
                .col(IdempotencyKey::AccountId)
                .col(IdempotencyKey::Key),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_idempotency_account")
                .from(IdempotencyKey::Table, IdempotencyKey::AccountId)
                .to(Account::Table, Account::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKey::Table).to_owned())
            .await?;
        manager
            .create_table(
                keyed(&mut Table::create())
                    // SHA-256 of the canonical request, in hexadecimal.
                    .col(string_len(IdempotencyKey::RequestDigest, 64))
                    // `running` until the request's answer is stored, then `done`.
                    .col(string_len(IdempotencyKey::State, 16))
                    .col(integer_null(IdempotencyKey::ResponseStatus))
                    .col(text_null(IdempotencyKey::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKey::Table).to_owned())
            .await?;
        manager
            .create_table(
                keyed(&mut Table::create())
                    .col(string_len(IdempotencyKey::Resource, 32))
                    .col(string_len(IdempotencyKey::Reference, 32))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .to_owned(),
            )
            .await
    }
}
