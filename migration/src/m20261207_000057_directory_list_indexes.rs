//! Indexes for the directory lists' default orders: SLAs by name (all of them, or one
//! provider's), and one organisation's accounts by address. Organisations sort by code by
//! default, which the unique index on the code serves; all accounts by address, which the
//! unique index on the address serves.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sla {
    Table,
    Name,
    ProviderId,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    OrganisationId,
    Email,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let indexes = [
            Index::create()
                .name("ix_sla_name")
                .table(Sla::Table)
                .col(Sla::Name)
                .to_owned(),
            Index::create()
                .name("ix_sla_provider_name")
                .table(Sla::Table)
                .col(Sla::ProviderId)
                .col(Sla::Name)
                .to_owned(),
            Index::create()
                .name("ix_account_organisation_email")
                .table(Account::Table)
                .col(Account::OrganisationId)
                .col(Account::Email)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_sla_name", Sla::Table.into_iden()),
            ("ix_sla_provider_name", Sla::Table.into_iden()),
            ("ix_account_organisation_email", Account::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
