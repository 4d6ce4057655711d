//! What the outbox reads of the people it writes to, across tenants: their address and
//! language, the kinds they muted and the offers whose news they take as a digest. These are
//! the recipients' own settings, not the actor's to read as rows, so they are read here, once
//! for every recipient of a change, in one statement (a `UNION ALL` tagged by table, as
//! `directory::ticket_labels` does): on SQLite the three selects ran inside the writer's
//! transaction, one round trip each.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entity::{account, digest_choice, notification, notification_mute};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr,
    sea_query::{Expr, IntoTableRef, Query, SelectStatement, UnionType},
};

/// The most recipients one statement reads (the rest in further statements): a bound on the
/// size of its `IN` lists.
const MAX_RECIPIENTS: usize = 1000;

/// The recipients of some events as the outbox needs them.
#[derive(Debug, Default)]
pub struct Recipients {
    /// The (account, kind) pairs muted.
    pub muted: BTreeSet<(i64, notification::Kind)>,
    /// The active accounts' address and language.
    pub accounts: HashMap<i64, (String, account::AccountLanguage)>,
    /// (account, offer) → `daily` or `weekly`: that offer's events are held for a digest.
    pub digests: BTreeMap<(i64, i64), String>,
}

/// Which table a union row comes from.
#[derive(Clone, Copy)]
enum Part {
    Account = 1,
    Mute,
    Digest,
}

/// One select of the union: the part's tag, an account, a word, another word and an offer.
fn part(tag: Part, columns: [Expr; 4], from: impl IntoTableRef) -> SelectStatement {
    let [account, word, other, offer] = columns;
    Query::select()
        .expr(Expr::val(tag as i64))
        .expr(account)
        .expr(word)
        .expr(other)
        .expr(offer)
        .from(from)
        .to_owned()
}

/// Reads what the outbox needs of `accounts` for events of `kinds` on `offers`: inactive
/// accounts are left out. One statement per thousand accounts (a service status event
/// tells every contact of every subscriber).
pub async fn read<C: ConnectionTrait>(
    db: &C,
    accounts: &BTreeSet<i64>,
    kinds: &BTreeSet<notification::Kind>,
    offers: &BTreeSet<i64>,
) -> Result<Recipients, DbErr> {
    let mut found = Recipients::default();
    let ids: Vec<i64> = accounts.iter().copied().collect();
    for chunk in ids.chunks(MAX_RECIPIENTS) {
        let union = statement(chunk, kinds, offers);
        for row in db
            .query_all_raw(db.get_database_backend().build(&union))
            .await?
        {
            let tag: i64 = row.try_get_by_index(0)?;
            let account: i64 = row.try_get_by_index(1)?;
            let word: String = row.try_get_by_index(2)?;
            if tag == Part::Account as i64 {
                let language = account::AccountLanguage::try_from_value(&row.try_get_by_index(3)?)?;
                found.accounts.insert(account, (word, language));
            } else if tag == Part::Mute as i64 {
                found
                    .muted
                    .insert((account, notification::Kind::try_from_value(&word)?));
            } else if tag == Part::Digest as i64 {
                found
                    .digests
                    .insert((account, row.try_get_by_index(4)?), word);
            }
        }
    }
    Ok(found)
}

/// The union that reads what the outbox needs of these accounts.
fn statement(
    ids: &[i64],
    kinds: &BTreeSet<notification::Kind>,
    offers: &BTreeSet<i64>,
) -> SelectStatement {
    let mut union = part(
        Part::Account,
        [
            Expr::col(account::Column::Id),
            Expr::col(account::Column::Email),
            Expr::col(account::Column::Language),
            Expr::val(0i64),
        ],
        account::Entity,
    )
    .and_where(account::Column::Id.is_in(ids.iter().copied()))
    .and_where(account::Column::Active.eq(true))
    .to_owned();
    if !kinds.is_empty() {
        union.union(
            UnionType::All,
            part(
                Part::Mute,
                [
                    Expr::col(notification_mute::Column::AccountId),
                    Expr::col(notification_mute::Column::Kind),
                    Expr::val(""),
                    Expr::val(0i64),
                ],
                notification_mute::Entity,
            )
            .and_where(notification_mute::Column::AccountId.is_in(ids.iter().copied()))
            .and_where(notification_mute::Column::Kind.is_in(kinds.iter().copied()))
            .to_owned(),
        );
    }
    if !offers.is_empty() {
        union.union(
            UnionType::All,
            part(
                Part::Digest,
                [
                    Expr::col(digest_choice::Column::AccountId),
                    Expr::col(digest_choice::Column::Frequency),
                    Expr::val(""),
                    Expr::col(digest_choice::Column::OfferId),
                ],
                digest_choice::Entity,
            )
            .and_where(digest_choice::Column::AccountId.is_in(ids.iter().copied()))
            .and_where(digest_choice::Column::OfferId.is_in(offers.iter().copied()))
            .to_owned(),
        );
    }
    union
}
