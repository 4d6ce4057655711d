//! Background jobs leased by one process at a time, and the notification outbox they send.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Job {
    Table,
    Id,
    Kind,
    Payload,
    DedupeKey,
    State,
    RunAt,
    Attempts,
    MaxAttempts,
    LeaseToken,
    LeasedUntil,
    LastError,
    FinishedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    Kind,
    AccountId,
    Email,
    Language,
    Subject,
    Data,
    MessageId,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NotificationMute {
    Table,
    AccountId,
    Kind,
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
                    .table(Job::Table)
                    .col(big_pk_auto(Job::Id))
                    .col(string_len(Job::Kind, 40))
                    .col(text(Job::Payload))
                    // A periodic job's slot ("auto_close@2026-11-25T10:00Z"): whichever process
                    // schedules it first creates the row, the others find it taken.
                    .col(string_len_null(Job::DedupeKey, 200).unique_key())
                    .col(string_len(Job::State, 16))
                    .col(timestamp_with_time_zone(Job::RunAt))
                    .col(integer(Job::Attempts).default(0))
                    .col(integer(Job::MaxAttempts))
                    .col(string_len_null(Job::LeaseToken, 40))
                    .col(timestamp_with_time_zone_null(Job::LeasedUntil))
                    .col(text_null(Job::LastError))
                    .col(timestamp_with_time_zone_null(Job::FinishedAt))
                    .col(timestamp_with_time_zone(Job::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The workers' one question: which pending jobs are due.
        manager
            .create_index(
                Index::create()
                    .name("ix_job_due")
                    .table(Job::Table)
                    .col(Job::State)
                    .col(Job::RunAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(big_pk_auto(Notification::Id))
                    .col(string_len(Notification::Kind, 40))
                    .col(big_integer(Notification::AccountId))
                    .col(string_len(Notification::Email, 254))
                    .col(string_len(Notification::Language, 8))
                    .col(string_len(Notification::Subject, 200))
                    .col(text(Notification::Data))
                    .col(string_len(Notification::MessageId, 200).unique_key())
                    .col(timestamp_with_time_zone_null(Notification::SentAt))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_account")
                            .from(Notification::Table, Notification::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_account")
                    .table(Notification::Table)
                    .col(Notification::AccountId)
                    .col(Notification::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationMute::Table)
                    .col(big_integer(NotificationMute::AccountId))
                    .col(string_len(NotificationMute::Kind, 40))
                    .primary_key(
                        Index::create()
                            .col(NotificationMute::AccountId)
                            .col(NotificationMute::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_mute_account")
                            .from(NotificationMute::Table, NotificationMute::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NotificationMute::Table.into_iden(),
            Notification::Table.into_iden(),
            Job::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
