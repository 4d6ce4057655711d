//! Organisations (a hierarchy), accounts with their additive roles, and provider teams.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    Code,
    Name,
    ParentId,
    IsClient,
    IsProvider,
    Active,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Email,
    DisplayName,
    OrganisationId,
    PasswordHash,
    Language,
    Active,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountRole {
    Table,
    AccountId,
    Role,
}

#[derive(DeriveIden)]
enum Team {
    Table,
    Id,
    OrganisationId,
    Name,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TeamMember {
    Table,
    TeamId,
    AccountId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(big_pk_auto(Organisation::Id))
                    .col(string_len_uniq(Organisation::Code, 32))
                    .col(string_len(Organisation::Name, 200))
                    .col(big_integer_null(Organisation::ParentId))
                    .col(boolean(Organisation::IsClient))
                    .col(boolean(Organisation::IsProvider))
                    .col(boolean(Organisation::Active))
                    .col(integer(Organisation::Revision))
                    .col(timestamp_with_time_zone(Organisation::CreatedAt))
                    .col(timestamp_with_time_zone(Organisation::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organisation_parent")
                            .from(Organisation::Table, Organisation::ParentId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_organisation_parent")
                    .table(Organisation::Table)
                    .col(Organisation::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(big_pk_auto(Account::Id))
                    // Stored lower-cased by the service, so this index makes e-mail unique
                    // case-insensitively on every database.
                    .col(string_len_uniq(Account::Email, 254))
                    .col(string_len(Account::DisplayName, 200))
                    .col(big_integer(Account::OrganisationId))
                    .col(string_len_null(Account::PasswordHash, 255))
                    .col(string_len(Account::Language, 8))
                    .col(boolean(Account::Active))
                    .col(integer(Account::Revision))
                    .col(timestamp_with_time_zone(Account::CreatedAt))
                    .col(timestamp_with_time_zone(Account::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_organisation")
                            .from(Account::Table, Account::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_account_organisation")
                    .table(Account::Table)
                    .col(Account::OrganisationId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountRole::Table)
                    .col(big_integer(AccountRole::AccountId))
                    .col(string_len(AccountRole::Role, 16))
                    .primary_key(
                        Index::create()
                            .col(AccountRole::AccountId)
                            .col(AccountRole::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_role_account")
                            .from(AccountRole::Table, AccountRole::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Team::Table)
                    .col(big_pk_auto(Team::Id))
                    .col(big_integer(Team::OrganisationId))
                    .col(string_len(Team::Name, 200))
                    .col(integer(Team::Revision))
                    .col(timestamp_with_time_zone(Team::CreatedAt))
                    .col(timestamp_with_time_zone(Team::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_team_organisation")
                            .from(Team::Table, Team::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_team_organisation_name")
                    .table(Team::Table)
                    .col(Team::OrganisationId)
                    .col(Team::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TeamMember::Table)
                    .col(big_integer(TeamMember::TeamId))
                    .col(big_integer(TeamMember::AccountId))
                    .primary_key(
                        Index::create()
                            .col(TeamMember::TeamId)
                            .col(TeamMember::AccountId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_team_member_team")
                            .from(TeamMember::Table, TeamMember::TeamId)
                            .to(Team::Table, Team::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_team_member_account")
                            .from(TeamMember::Table, TeamMember::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_team_member_account")
                    .table(TeamMember::Table)
                    .col(TeamMember::AccountId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TeamMember::Table.into_iden(),
            Team::Table.into_iden(),
            AccountRole::Table.into_iden(),
            Account::Table.into_iden(),
            Organisation::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
