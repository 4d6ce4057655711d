//! What the platform says of a request's step is stored as a code and the one thing it names
//! (a reference, a release's version), rendered in the reader's language when read; the
//! `reason` columns keep only what a person wrote. Rows written before keep their text.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EvolutionHistory {
    Table,
    Note,
    NoteAbout,
}

#[derive(DeriveIden)]
enum Evolution {
    Table,
    StateNote,
    StateNoteAbout,
}

/// One column at a time: SQLite takes a single change per `ALTER TABLE`.
async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            EvolutionHistory::Table,
            string_len_null(EvolutionHistory::Note, 40),
        )
        .await?;
        add(
            manager,
            EvolutionHistory::Table,
            string_len_null(EvolutionHistory::NoteAbout, 200),
        )
        .await?;
        add(
            manager,
            Evolution::Table,
            string_len_null(Evolution::StateNote, 40),
        )
        .await?;
        add(
            manager,
            Evolution::Table,
            string_len_null(Evolution::StateNoteAbout, 200),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (
                EvolutionHistory::Table.into_iden(),
                EvolutionHistory::Note.into_iden(),
            ),
            (
                EvolutionHistory::Table.into_iden(),
                EvolutionHistory::NoteAbout.into_iden(),
            ),
            (
                Evolution::Table.into_iden(),
                Evolution::StateNote.into_iden(),
            ),
            (
                Evolution::Table.into_iden(),
                Evolution::StateNoteAbout.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
