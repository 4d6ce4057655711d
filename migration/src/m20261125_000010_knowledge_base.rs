//! The knowledge base (FAQ categories, FAQs, their versions and feedback), the record of FAQ
//! suggestions shown while filing, and the full-text indexes of FAQs and tickets.
//!
//! The indexes hold text that Guichet has already normalised and stemmed (see the application's
//! `domain::search_terms`), so each database only matches whole tokens: SQLite through FTS5,
//! PostgreSQL through `tsvector` columns with the `simple` configuration and GIN indexes, MariaDB
//! through InnoDB FULLTEXT indexes. That is why the three agree on what a query finds.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FaqCategory {
    Table,
    Id,
    Name,
    OfferId,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Faq {
    Table,
    Id,
    CategoryId,
    OfferId,
    Title,
    Summary,
    Body,
    Keywords,
    ErrorCode,
    Visibility,
    Status,
    AuthorId,
    SourceTicketId,
    Helpful,
    Unhelpful,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
    Revision,
}

#[derive(DeriveIden)]
enum FaqVersion {
    Table,
    Id,
    FaqId,
    Version,
    Title,
    Summary,
    Body,
    Keywords,
    ErrorCode,
    Visibility,
    Status,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FaqFeedback {
    Table,
    Id,
    FaqId,
    AccountId,
    Helpful,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FaqSuggestion {
    Table,
    Id,
    OfferId,
    FaqId,
    AccountId,
    Kind,
    Month,
    TicketId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Ticket {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for col in cols {
        statement.col(col);
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

/// The full-text tables, in each database's own words.
fn search_tables(backend: DbBackend) -> Vec<&'static str> {
    match backend {
        DbBackend::Postgres => vec![
            "CREATE TABLE faq_search (
                faq_id BIGINT PRIMARY KEY REFERENCES faq (id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                document tsvector GENERATED ALWAYS AS
                    (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED
            )",
            "CREATE INDEX ix_faq_search_document ON faq_search USING GIN (document)",
            // Only the documents, not the texts: a search that matches most tickets reads every
            // matching row, and the texts would more than double what it reads.
            "CREATE TABLE ticket_search (
                ticket_id BIGINT PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE,
                public_document tsvector NOT NULL,
                full_document tsvector NOT NULL
            )",
            "CREATE INDEX ix_ticket_search_public ON ticket_search USING GIN (public_document)",
            "CREATE INDEX ix_ticket_search_full ON ticket_search USING GIN (full_document)",
        ],
        DbBackend::MySql => vec![
            "CREATE TABLE faq_search (
                faq_id BIGINT NOT NULL PRIMARY KEY,
                title TEXT NOT NULL,
                body MEDIUMTEXT NOT NULL,
                FULLTEXT INDEX ft_faq_search_title (title),
                FULLTEXT INDEX ft_faq_search_all (title, body),
                CONSTRAINT fk_faq_search_faq FOREIGN KEY (faq_id) REFERENCES faq (id) ON DELETE CASCADE
            ) ENGINE = InnoDB",
            "CREATE TABLE ticket_search (
                ticket_id BIGINT NOT NULL PRIMARY KEY,
                title TEXT NOT NULL,
                body MEDIUMTEXT NOT NULL,
                private MEDIUMTEXT NOT NULL,
                FULLTEXT INDEX ft_ticket_search_title (title),
                FULLTEXT INDEX ft_ticket_search_public (title, body),
                FULLTEXT INDEX ft_ticket_search_full (title, body, private),
                CONSTRAINT fk_ticket_search_ticket FOREIGN KEY (ticket_id) REFERENCES ticket (id) ON DELETE CASCADE
            ) ENGINE = InnoDB",
        ],
        // FTS5 over our own tokens: `unicode61` splits on what is not a letter or digit, as
        // our normaliser already did. The rowid is the FAQ's or the ticket's id.
        _ => vec![
            "CREATE VIRTUAL TABLE faq_fts USING fts5(title, body, tokenize = 'unicode61')",
            "CREATE VIRTUAL TABLE ticket_fts USING fts5(title, body, private, tokenize = 'unicode61')",
        ],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FaqCategory::Table)
                    .col(big_pk_auto(FaqCategory::Id))
                    .col(string_len(FaqCategory::Name, 100))
                    .col(big_integer_null(FaqCategory::OfferId))
                    .col(integer(FaqCategory::Position).default(0))
                    .col(timestamp_with_time_zone(FaqCategory::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_faq_category_offer",
                        (FaqCategory::Table, FaqCategory::OfferId),
                        (Offer::Table, Offer::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_faq_category_offer",
                FaqCategory::Table,
                vec![
                    FaqCategory::OfferId.into_iden(),
                    FaqCategory::Position.into_iden(),
                ],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Faq::Table)
                    .col(big_pk_auto(Faq::Id))
                    .col(big_integer_null(Faq::CategoryId))
                    .col(big_integer_null(Faq::OfferId))
                    .col(string_len(Faq::Title, 300))
                    .col(string_len(Faq::Summary, 1000))
                    .col(text(Faq::Body))
                    .col(string_len(Faq::Keywords, 500))
                    .col(string_len_null(Faq::ErrorCode, 50))
                    .col(string_len(Faq::Visibility, 20))
                    .col(string_len(Faq::Status, 20))
                    .col(big_integer(Faq::AuthorId))
                    .col(big_integer_null(Faq::SourceTicketId))
                    .col(integer(Faq::Helpful).default(0))
                    .col(integer(Faq::Unhelpful).default(0))
                    .col(timestamp_with_time_zone(Faq::CreatedAt))
                    .col(timestamp_with_time_zone(Faq::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Faq::PublishedAt))
                    .col(integer(Faq::Revision))
                    .foreign_key(&mut fk(
                        "fk_faq_category",
                        (Faq::Table, Faq::CategoryId),
                        (FaqCategory::Table, FaqCategory::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_offer",
                        (Faq::Table, Faq::OfferId),
                        (Offer::Table, Offer::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_author",
                        (Faq::Table, Faq::AuthorId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_source_ticket",
                        (Faq::Table, Faq::SourceTicketId),
                        (Ticket::Table, Ticket::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The FAQ page lists an offer's published FAQs; the category page its own; an error code
        // typed in the search box is looked up exactly.
        for (name, cols) in [
            (
                "ix_faq_offer_status",
                vec![
                    Faq::OfferId.into_iden(),
                    Faq::Status.into_iden(),
                    Faq::UpdatedAt.into_iden(),
                ],
            ),
            ("ix_faq_category", vec![Faq::CategoryId.into_iden()]),
            ("ix_faq_error_code", vec![Faq::ErrorCode.into_iden()]),
            ("ix_faq_updated", vec![Faq::UpdatedAt.into_iden()]),
        ] {
            manager
                .create_index(index(name, Faq::Table, cols, false))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(FaqVersion::Table)
                    .col(big_pk_auto(FaqVersion::Id))
                    .col(big_integer(FaqVersion::FaqId))
                    .col(integer(FaqVersion::Version))
                    .col(string_len(FaqVersion::Title, 300))
                    .col(string_len(FaqVersion::Summary, 1000))
                    .col(text(FaqVersion::Body))
                    .col(string_len(FaqVersion::Keywords, 500))
                    .col(string_len_null(FaqVersion::ErrorCode, 50))
                    .col(string_len(FaqVersion::Visibility, 20))
                    .col(string_len(FaqVersion::Status, 20))
                    .col(big_integer(FaqVersion::AuthorId))
                    .col(timestamp_with_time_zone(FaqVersion::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_faq_version_faq",
                        (FaqVersion::Table, FaqVersion::FaqId),
                        (Faq::Table, Faq::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_version_author",
                        (FaqVersion::Table, FaqVersion::AuthorId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_faq_version",
                FaqVersion::Table,
                vec![
                    FaqVersion::FaqId.into_iden(),
                    FaqVersion::Version.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FaqFeedback::Table)
                    .col(big_pk_auto(FaqFeedback::Id))
                    .col(big_integer(FaqFeedback::FaqId))
                    .col(big_integer(FaqFeedback::AccountId))
                    .col(boolean(FaqFeedback::Helpful))
                    .col(timestamp_with_time_zone(FaqFeedback::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_faq_feedback_faq",
                        (FaqFeedback::Table, FaqFeedback::FaqId),
                        (Faq::Table, Faq::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_feedback_account",
                        (FaqFeedback::Table, FaqFeedback::AccountId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One opinion per person and FAQ, which they may change.
        manager
            .create_index(index(
                "ux_faq_feedback",
                FaqFeedback::Table,
                vec![
                    FaqFeedback::FaqId.into_iden(),
                    FaqFeedback::AccountId.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FaqSuggestion::Table)
                    .col(big_pk_auto(FaqSuggestion::Id))
                    .col(big_integer(FaqSuggestion::OfferId))
                    .col(big_integer_null(FaqSuggestion::FaqId))
                    .col(big_integer(FaqSuggestion::AccountId))
                    .col(string_len(FaqSuggestion::Kind, 20))
                    .col(string_len(FaqSuggestion::Month, 7))
                    .col(big_integer_null(FaqSuggestion::TicketId))
                    .col(timestamp_with_time_zone(FaqSuggestion::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_faq_suggestion_offer",
                        (FaqSuggestion::Table, FaqSuggestion::OfferId),
                        (Offer::Table, Offer::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_suggestion_faq",
                        (FaqSuggestion::Table, FaqSuggestion::FaqId),
                        (Faq::Table, Faq::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_suggestion_account",
                        (FaqSuggestion::Table, FaqSuggestion::AccountId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_faq_suggestion_ticket",
                        (FaqSuggestion::Table, FaqSuggestion::TicketId),
                        (Ticket::Table, Ticket::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The report groups by offer and month; filing looks up the filer's recent suggestions.
        manager
            .create_index(index(
                "ix_faq_suggestion_offer_month",
                FaqSuggestion::Table,
                vec![
                    FaqSuggestion::OfferId.into_iden(),
                    FaqSuggestion::Month.into_iden(),
                    FaqSuggestion::Kind.into_iden(),
                ],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_faq_suggestion_account",
                FaqSuggestion::Table,
                vec![
                    FaqSuggestion::AccountId.into_iden(),
                    FaqSuggestion::OfferId.into_iden(),
                    FaqSuggestion::CreatedAt.into_iden(),
                ],
                false,
            ))
            .await?;
        let connection = manager.get_connection();
        for statement in search_tables(manager.get_database_backend()) {
            connection.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let connection = manager.get_connection();
        for table in ["ticket_search", "faq_search", "ticket_fts", "faq_fts"] {
            connection
                .execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        for table in [
            FaqSuggestion::Table.into_iden(),
            FaqFeedback::Table.into_iden(),
            FaqVersion::Table.into_iden(),
            Faq::Table.into_iden(),
            FaqCategory::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
