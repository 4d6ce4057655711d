//! Identity providers become editable: a `revision` for optimistic locking (a stale edit is a
//! 409), and one provider per establishment, protocol and server, so that applying the
//! providers declared in `config.toml` from several processes at once creates each only once.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdentityProvider {
    Table,
    OrganisationId,
    Kind,
    ServerUrl,
    Revision,
}

const UNIQUE: &str = "ux_identity_provider_server";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdentityProvider::Table)
                    .add_column(integer(IdentityProvider::Revision).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE)
                    .table(IdentityProvider::Table)
                    .col(IdentityProvider::OrganisationId)
                    .col(IdentityProvider::Kind)
                    .col(IdentityProvider::ServerUrl)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // MariaDB dropped the index it had made for the organisation's foreign key when the
        // unique index (which starts with that column) could serve it: give the key its own
        // index back before dropping the unique one.
        if manager.get_database_backend() == DbBackend::MySql {
            manager
                .create_index(
                    Index::create()
                        .name("ix_identity_provider_organisation")
                        .table(IdentityProvider::Table)
                        .col(IdentityProvider::OrganisationId)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name(UNIQUE)
                    .table(IdentityProvider::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IdentityProvider::Table)
                    .drop_column(IdentityProvider::Revision)
                    .to_owned(),
            )
            .await
    }
}
