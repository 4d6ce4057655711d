//! Digests: a contact's choice, per offer, of a daily or weekly digest instead of single mails
//! (no row: single mails); the notifications held for one (`notification.digest`, sent with
//! the digest: `sent_at`); and one row per digest sent, unique per account and period, so that
//! two processes or two runs never send one period twice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DigestChoice {
    Table,
    Id,
    AccountId,
    OfferId,
    Frequency,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DigestSent {
    Table,
    Id,
    AccountId,
    Period,
    Events,
    SentAt,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    Digest,
    AccountId,
    SentAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
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
                    .table(DigestChoice::Table)
                    .col(big_pk_auto(DigestChoice::Id))
                    .col(big_integer(DigestChoice::AccountId))
                    .col(big_integer(DigestChoice::OfferId))
                    .col(string_len(DigestChoice::Frequency, 16))
                    .col(timestamp_with_time_zone(DigestChoice::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DigestChoice::Table, DigestChoice::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DigestChoice::Table, DigestChoice::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_digest_choice_account_offer")
                    .table(DigestChoice::Table)
                    .col(DigestChoice::AccountId)
                    .col(DigestChoice::OfferId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DigestSent::Table)
                    .col(big_pk_auto(DigestSent::Id))
                    .col(big_integer(DigestSent::AccountId))
                    .col(string_len(DigestSent::Period, 32))
                    .col(integer(DigestSent::Events))
                    .col(timestamp_with_time_zone(DigestSent::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DigestSent::Table, DigestSent::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_digest_sent_account_period")
                    .table(DigestSent::Table)
                    .col(DigestSent::AccountId)
                    .col(DigestSent::Period)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notification::Table)
                    .add_column(string_len_null(Notification::Digest, 16))
                    .to_owned(),
            )
            .await?;
        // The digest job looks for what is held and not yet sent.
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_digest")
                    .table(Notification::Table)
                    .col(Notification::Digest)
                    .col(Notification::SentAt)
                    .col(Notification::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_notification_digest")
                    .table(Notification::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notification::Table)
                    .drop_column(Notification::Digest)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DigestSent::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DigestChoice::Table).to_owned())
            .await
    }
}
