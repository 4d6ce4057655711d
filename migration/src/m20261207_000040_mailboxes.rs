//! IMAP mailboxes that the collector job reads: one per offer, or one for the consortium whose
//! messages are sorted by the offer address they were sent to. Managed by an organisation's
//! administrators and coordinators; the password is stored sealed (see `auth::sealing`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mailbox {
    Table,
    Id,
    OrganisationId,
    OfferId,
    Label,
    Host,
    Port,
    Security,
    Username,
    Password,
    Folder,
    HandledFolder,
    Enabled,
    LastPolledAt,
    LastError,
    CreatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum Organisation {
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
                    .table(Mailbox::Table)
                    .col(big_pk_auto(Mailbox::Id))
                    .col(big_integer(Mailbox::OrganisationId))
                    .col(big_integer_null(Mailbox::OfferId))
                    .col(string_len(Mailbox::Label, 200))
                    .col(string_len(Mailbox::Host, 253))
                    .col(integer(Mailbox::Port))
                    .col(string_len(Mailbox::Security, 16))
                    .col(string_len(Mailbox::Username, 254))
                    // Sealed: nonce and ciphertext in base64, a few hundred characters at most.
                    .col(string_len(Mailbox::Password, 1000))
                    .col(string_len(Mailbox::Folder, 200))
                    .col(string_len(Mailbox::HandledFolder, 200))
                    .col(boolean(Mailbox::Enabled))
                    .col(timestamp_with_time_zone_null(Mailbox::LastPolledAt))
                    .col(string_len_null(Mailbox::LastError, 500))
                    .col(timestamp_with_time_zone(Mailbox::CreatedAt))
                    .col(integer(Mailbox::Revision))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Mailbox::Table, Mailbox::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Mailbox::Table, Mailbox::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The desk lists an organisation's mailboxes.
        manager
            .create_index(
                Index::create()
                    .name("ix_mailbox_organisation")
                    .table(Mailbox::Table)
                    .col(Mailbox::OrganisationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Mailbox::Table).to_owned())
            .await
    }
}
