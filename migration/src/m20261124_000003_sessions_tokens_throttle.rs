//! Signing in: database-backed sessions (shared by every server process), personal API tokens,
//! the brute-force throttle, password reset tokens, and the offers a committee member is scoped to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    AccountId,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    AccountId,
    Name,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum PasswordReset {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum CommitteeOffer {
    Table,
    AccountId,
    OfferId,
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

fn account_fk(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Account::Table, Account::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    // SHA-256 (hex) of the cookie's session id: a copy of the table signs no one in.
                    .col(string_len(Session::Id, 64).primary_key())
                    .col(big_integer_null(Session::AccountId))
                    .col(text(Session::Data))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .foreign_key(&mut account_fk(
                        Session::Table,
                        Session::AccountId,
                        "fk_session_account",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_session_account")
                    .table(Session::Table)
                    .col(Session::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_session_expires")
                    .table(Session::Table)
                    .col(Session::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(big_pk_auto(ApiToken::Id))
                    .col(big_integer(ApiToken::AccountId))
                    .col(string_len(ApiToken::Name, 100))
                    .col(string_len_uniq(ApiToken::TokenHash, 64))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .foreign_key(&mut account_fk(
                        ApiToken::Table,
                        ApiToken::AccountId,
                        "fk_api_token_account",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_api_token_account")
                    .table(ApiToken::Table)
                    .col(ApiToken::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    // `email:<address>` or `ip:<address>`.
                    .col(string_len(LoginThrottle::Key, 300).primary_key())
                    .col(integer(LoginThrottle::Failures))
                    .col(timestamp_with_time_zone(LoginThrottle::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordReset::Table)
                    .col(big_pk_auto(PasswordReset::Id))
                    .col(big_integer(PasswordReset::AccountId))
                    .col(string_len_uniq(PasswordReset::TokenHash, 64))
                    .col(timestamp_with_time_zone(PasswordReset::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordReset::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordReset::UsedAt))
                    .foreign_key(&mut account_fk(
                        PasswordReset::Table,
                        PasswordReset::AccountId,
                        "fk_password_reset_account",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_password_reset_account")
                    .table(PasswordReset::Table)
                    .col(PasswordReset::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommitteeOffer::Table)
                    .col(big_integer(CommitteeOffer::AccountId))
                    .col(big_integer(CommitteeOffer::OfferId))
                    .primary_key(
                        Index::create()
                            .col(CommitteeOffer::AccountId)
                            .col(CommitteeOffer::OfferId),
                    )
                    .foreign_key(&mut account_fk(
                        CommitteeOffer::Table,
                        CommitteeOffer::AccountId,
                        "fk_committee_offer_account",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_committee_offer_offer")
                            .from(CommitteeOffer::Table, CommitteeOffer::OfferId)
                            .to(Offer::Table, Offer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_committee_offer_offer")
                    .table(CommitteeOffer::Table)
                    .col(CommitteeOffer::OfferId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CommitteeOffer::Table.into_iden(),
            PasswordReset::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            ApiToken::Table.into_iden(),
            Session::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
