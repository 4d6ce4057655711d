//! Single sign-on: the identity providers (CAS or OpenID Connect) that each establishment signs
//! its people in with, and the sign-ins under way (`sso_flow`), each taken back exactly once by
//! a delete whose row count says who won, so a callback cannot be replayed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdentityProvider {
    Table,
    Id,
    OrganisationId,
    Kind,
    Label,
    ServerUrl,
    ClientId,
    ClientSecret,
    EmailAttribute,
    NameAttribute,
    EmailDomains,
    CreateContacts,
    SingleLogout,
    Enabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SsoFlow {
    Table,
    StateHash,
    ProviderId,
    Nonce,
    PkceVerifier,
    Next,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdentityProvider::Table)
                    .col(big_pk_auto(IdentityProvider::Id))
                    .col(big_integer(IdentityProvider::OrganisationId))
                    .col(string_len(IdentityProvider::Kind, 8))
                    .col(string_len(IdentityProvider::Label, 200))
                    // The CAS server's base URL, or the OpenID Connect issuer.
                    .col(string_len(IdentityProvider::ServerUrl, 500))
                    .col(string_len_null(IdentityProvider::ClientId, 200))
                    // Written, never read back through the API or the pages.
                    .col(string_len_null(IdentityProvider::ClientSecret, 500))
                    .col(string_len(IdentityProvider::EmailAttribute, 100))
                    .col(string_len(IdentityProvider::NameAttribute, 100))
                    // Space-separated domains its e-mails may have.
                    .col(text(IdentityProvider::EmailDomains))
                    .col(boolean(IdentityProvider::CreateContacts).default(false))
                    .col(boolean(IdentityProvider::SingleLogout).default(true))
                    .col(boolean(IdentityProvider::Enabled).default(true))
                    .col(timestamp_with_time_zone(IdentityProvider::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdentityProvider::Table, IdentityProvider::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SsoFlow::Table)
                    // The SHA-256 of the `state` sent to the provider.
                    .col(string_len(SsoFlow::StateHash, 64).primary_key())
                    .col(big_integer(SsoFlow::ProviderId))
                    .col(string_len(SsoFlow::Nonce, 100))
                    .col(string_len(SsoFlow::PkceVerifier, 200))
                    .col(string_len_null(SsoFlow::Next, 500))
                    .col(timestamp_with_time_zone(SsoFlow::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SsoFlow::Table, SsoFlow::ProviderId)
                            .to(IdentityProvider::Table, IdentityProvider::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sso_flow_expires")
                    .table(SsoFlow::Table)
                    .col(SsoFlow::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SsoFlow::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(IdentityProvider::Table).to_owned())
            .await
    }
}
