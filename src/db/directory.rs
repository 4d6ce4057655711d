//! The directory: the names and codes by which the consortium's members refer to one another.
//!
//! A row the caller reads names rows it may not read: a ticket its requester, team, offer and
//! master ticket; a convention its two parties; an FAQ its authors; an account its teams. Those
//! labels are public within the consortium (an offer's code and provider, an organisation's,
//! team's or subcategory's name, an account's display name and address, a team's members), so
//! the directory answers them for the ids or codes the caller already holds: only those columns,
//! never a whole row, and nothing a caller could use to list a tenant's data. It is also where
//! the yes-or-no probes that must see a whole table live (is this code taken? is the cap
//! reached?), which answer a boolean or a count and never a row.
//!
//! Keeping these lookups here, rather than as unscoped selects in each service, leaves one
//! short list of what crosses tenants by design; every other read goes through a rule.
#![expect(
    clippy::disallowed_methods,
    reason = "the directory reads the public columns of the catalogue and people tables"
)]

use entity::{account, offer, organisation, service_subcategory, team, team_member, ticket};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
    sea_query::{SelectStatement, SimpleExpr},
};

/// The most labels one lookup answers: a page names a bounded number of things.
const MAX_LABELS: u64 = 1000;

/// Which rows a lookup names: a list of ids, or the ids a scoped subquery selects.
pub enum Ids {
    /// These ids.
    List(Vec<i64>),
    /// The ids this select returns (one column).
    Query(Box<SelectStatement>),
}

impl From<Vec<i64>> for Ids {
    fn from(ids: Vec<i64>) -> Self {
        Self::List(ids)
    }
}

impl From<SelectStatement> for Ids {
    fn from(query: SelectStatement) -> Self {
        Self::Query(Box::new(query))
    }
}

impl Ids {
    fn on(self, column: impl ColumnTrait) -> SimpleExpr {
        match self {
            Self::List(ids) => column.is_in(ids),
            Self::Query(query) => column.in_subquery(*query),
        }
    }
}

/// An account as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct Person {
    /// The account.
    pub id: i64,
    /// Its display name.
    pub display_name: String,
    /// Its address.
    pub email: String,
    /// Whether it may still sign in (and be assigned).
    pub active: bool,
}

/// An organisation as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct OrganisationLabel {
    /// The organisation.
    pub id: i64,
    /// Its code (`ULR`).
    pub code: String,
    /// Its name.
    pub name: String,
}

/// An offer as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct OfferLabel {
    /// The offer.
    pub id: i64,
    /// Its code (`SMSU`).
    pub code: String,
    /// The organisation that provides it.
    pub provider_id: i64,
}

/// The accounts `ids` names, by display name.
pub async fn people(db: &impl ConnectionTrait, ids: impl Into<Ids>) -> Result<Vec<Person>, DbErr> {
    account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .column(account::Column::Email)
        .column(account::Column::Active)
        .filter(ids.into().on(account::Column::Id))
        .order_by_asc(account::Column::DisplayName)
        .limit(MAX_LABELS)
        .into_model()
        .all(db)
        .await
}

/// The active account with this address (trimmed, lower-cased), if any: an address names one
/// account on the whole platform.
pub async fn active_account_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<i64>, DbErr> {
    account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .filter(account::Column::Active.eq(true))
        .into_tuple()
        .one(db)
        .await
}

/// `(id, display name)` of the accounts `ids` names.
pub async fn account_names(
    db: &impl ConnectionTrait,
    ids: impl Into<Ids>,
) -> Result<Vec<(i64, String)>, DbErr> {
    labels::<account::Entity>(db, account::Column::Id, account::Column::DisplayName, ids).await
}

/// `(id, name)` of organisations.
pub async fn organisation_names(
    db: &impl ConnectionTrait,
    ids: impl Into<Ids>,
) -> Result<Vec<(i64, String)>, DbErr> {
    labels::<organisation::Entity>(
        db,
        organisation::Column::Id,
        organisation::Column::Name,
        ids,
    )
    .await
}

/// The organisations `ids` names, with their codes.
pub async fn organisations(
    db: &impl ConnectionTrait,
    ids: impl Into<Ids>,
) -> Result<Vec<OrganisationLabel>, DbErr> {
    organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Code)
        .column(organisation::Column::Name)
        .filter(ids.into().on(organisation::Column::Id))
        .limit(MAX_LABELS)
        .into_model()
        .all(db)
        .await
}

/// `(id, name)` of teams.
pub async fn team_names(
    db: &impl ConnectionTrait,
    ids: impl Into<Ids>,
) -> Result<Vec<(i64, String)>, DbErr> {
    labels::<team::Entity>(db, team::Column::Id, team::Column::Name, ids).await
}

/// `(id, name)` of subcategories.
pub async fn subcategory_names(
    db: &impl ConnectionTrait,
    ids: impl Into<Ids>,
) -> Result<Vec<(i64, String)>, DbErr> {
    labels::<service_subcategory::Entity>(
        db,
        service_subcategory::Column::Id,
        service_subcategory::Column::Name,
        ids,
    )
    .await
}

/// The offers `ids` names, with their codes and providers.
pub async fn offers(
    db: &impl ConnectionTrait,
    ids: impl Into<Ids>,
) -> Result<Vec<OfferLabel>, DbErr> {
    offers_where(db, ids.into().on(offer::Column::Id)).await
}

/// The offers of these codes (codes are given in capitals); unknown codes are left out.
pub async fn offers_by_code(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> Result<Vec<OfferLabel>, DbErr> {
    offers_where(db, offer::Column::Code.is_in(codes)).await
}

/// The offer's provider (0 if the offer does not exist, which no organisation is).
pub async fn provider_of(db: &impl ConnectionTrait, offer_id: i64) -> Result<i64, DbErr> {
    Ok(offers(db, vec![offer_id])
        .await?
        .first()
        .map_or(0, |o| o.provider_id))
}

/// The offers a team delivers: those with a subcategory it is the default team of.
pub async fn offers_delivered_by(db: &impl ConnectionTrait, team: i64) -> Result<Vec<i64>, DbErr> {
    service_subcategory::Entity::find()
        .select_only()
        .column(service_subcategory::Column::OfferId)
        .distinct()
        .filter(service_subcategory::Column::DefaultTeamId.eq(team))
        .limit(MAX_LABELS)
        .into_tuple()
        .all(db)
        .await
}

/// `(team, account)` memberships of the teams `teams` names.
pub async fn team_members(
    db: &impl ConnectionTrait,
    teams: impl Into<Ids>,
) -> Result<Vec<(i64, i64)>, DbErr> {
    team_member::Entity::find()
        .select_only()
        .column(team_member::Column::TeamId)
        .column(team_member::Column::AccountId)
        .filter(teams.into().on(team_member::Column::TeamId))
        .limit(MAX_LABELS)
        .into_tuple()
        .all(db)
        .await
}

/// `(id, name)` of the teams an account belongs to.
pub async fn teams_of(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    team_names(
        db,
        sea_orm::sea_query::Query::select()
            .column(team_member::Column::TeamId)
            .from(team_member::Entity)
            .and_where(team_member::Column::AccountId.eq(account_id))
            .to_owned(),
    )
    .await
}

/// Whether any row of the whole table matches `condition`: a code, address or name that must
/// be unique across tenants, including rows the caller cannot read. Answers yes or no only.
pub async fn taken<E: EntityTrait>(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<bool, DbErr>
where
    E::Model: Sync,
{
    Ok(E::find().filter(condition).count(db).await? > 0)
}

/// How many rows the whole table holds, for platform-wide caps.
pub async fn count_all<E: EntityTrait>(db: &impl ConnectionTrait) -> Result<u64, DbErr>
where
    E::Model: Sync,
{
    E::find().count(db).await
}

/// The next number of a kind's sequence, shared by every tenant, never handed out twice; a
/// rolled-back filing leaves a gap rather than a reuse. PostgreSQL and MariaDB draw it from the
/// kind's own sequence (migration 000060), which holds no lock: concurrent filings do not wait
/// for each other's commit. SQLite increments the kind's `ticket_sequence` row in the caller's
/// transaction, in one statement; its one writer serialises filings anyway.
pub async fn next_number(db: &impl ConnectionTrait, kind: ticket::Kind) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let (name, sequence) = match kind {
        ticket::Kind::Incident => ("incident", "ticket_number_incident"),
        ticket::Kind::Request => ("request", "ticket_number_request"),
        ticket::Kind::Evolution => ("evolution", "ticket_number_evolution"),
    };
    let stmt = match backend {
        DbBackend::Postgres => format!("SELECT nextval('{sequence}')"),
        DbBackend::MySql => format!("SELECT NEXT VALUE FOR {sequence}"),
        // SQLite: the number taken is the one before the row's new value.
        _ => format!(
            "UPDATE ticket_sequence SET next_value = next_value + 1 WHERE kind = '{name}' \
             RETURNING next_value - 1"
        ),
    };
    db.query_one_raw(Statement::from_string(backend, stmt))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("ticket_sequence".into()))?
        .try_get_by_index(0)
}

async fn offers_where(
    db: &impl ConnectionTrait,
    condition: SimpleExpr,
) -> Result<Vec<OfferLabel>, DbErr> {
    offer::Entity::find()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .column(offer::Column::ProviderId)
        .filter(condition)
        .limit(MAX_LABELS)
        .into_model()
        .all(db)
        .await
}

/// `(id, label)` pairs of one table's public label column.
async fn labels<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    label: E::Column,
    ids: impl Into<Ids>,
) -> Result<Vec<(i64, String)>, DbErr> {
    let ids = ids.into();
    // Nothing to name (a ticket without a parent): no query.
    if matches!(&ids, Ids::List(list) if list.is_empty()) {
        return Ok(Vec::new());
    }
    E::find()
        .select_only()
        .column(id)
        .column(label)
        .filter(ids.on(id))
        .order_by_asc(label)
        .limit(MAX_LABELS)
        .into_tuple()
        .all(db)
        .await
}

/// The ids a page of tickets names, table by table.
#[derive(Debug, Default)]
pub struct TicketLabelIds {
    /// Requesters and agents.
    pub people: Vec<i64>,
    /// Requesters' organisations.
    pub organisations: Vec<i64>,
    /// Offers.
    pub offers: Vec<i64>,
    /// Subcategories.
    pub subcategories: Vec<i64>,
    /// Teams.
    pub teams: Vec<i64>,
    /// Master tickets.
    pub parents: Vec<i64>,
}

/// The labels a page of tickets shows, as [`TicketLabelIds`] asked for them.
#[derive(Debug, Default)]
pub struct TicketLabels {
    /// `(id, display name)` of accounts.
    pub people: Vec<(i64, String)>,
    /// `(id, name)` of organisations.
    pub organisations: Vec<(i64, String)>,
    /// Offers, with their codes and providers.
    pub offers: Vec<OfferLabel>,
    /// `(id, name)` of subcategories.
    pub subcategories: Vec<(i64, String)>,
    /// `(id, name)` of teams.
    pub teams: Vec<(i64, String)>,
    /// `(id, reference)` of tickets (a child incident names its master, which its requester
    /// may not read).
    pub parents: Vec<(i64, String)>,
}

/// Which table a row of [`ticket_labels`]'s union comes from.
#[derive(Clone, Copy)]
enum LabelOf {
    Person = 1,
    Organisation,
    Offer,
    Subcategory,
    Team,
    Parent,
}

impl LabelOf {
    /// The table a union row's first column names.
    fn of(tag: i64) -> Option<Self> {
        [
            Self::Person,
            Self::Organisation,
            Self::Offer,
            Self::Subcategory,
            Self::Team,
            Self::Parent,
        ]
        .into_iter()
        .find(|of| *of as i64 == tag)
    }
}

/// Every label a page of tickets shows, in one statement (a `UNION ALL` of one select per
/// table): a list page asked six tables one after the other, and on SQLite each statement is a
/// round trip to the connection's thread, which under load cost more than the selects
/// themselves. Tables with nothing to name are left out of the union; at most
/// `MAX_LABELS` ids per table.
pub async fn ticket_labels(
    db: &impl ConnectionTrait,
    mut ids: TicketLabelIds,
) -> Result<TicketLabels, DbErr> {
    use sea_orm::sea_query::{Expr, Query, UnionType};

    fn part<E: EntityTrait>(
        of: LabelOf,
        id: E::Column,
        label: E::Column,
        extra: Option<E::Column>,
        ids: &mut Vec<i64>,
    ) -> Option<SelectStatement> {
        ids.sort_unstable();
        ids.dedup();
        ids.truncate(usize::try_from(MAX_LABELS).unwrap_or(usize::MAX));
        if ids.is_empty() {
            return None;
        }
        let extra = extra.map_or_else(|| Expr::val(0i64), Expr::col);
        Some(
            Query::select()
                .expr(Expr::val(of as i64))
                .expr(Expr::col(id))
                .expr(Expr::col(label))
                .expr(extra)
                .from(E::default())
                .and_where(id.is_in(std::mem::take(ids)))
                .to_owned(),
        )
    }

    let parts = [
        part::<account::Entity>(
            LabelOf::Person,
            account::Column::Id,
            account::Column::DisplayName,
            None,
            &mut ids.people,
        ),
        part::<organisation::Entity>(
            LabelOf::Organisation,
            organisation::Column::Id,
            organisation::Column::Name,
            None,
            &mut ids.organisations,
        ),
        part::<offer::Entity>(
            LabelOf::Offer,
            offer::Column::Id,
            offer::Column::Code,
            Some(offer::Column::ProviderId),
            &mut ids.offers,
        ),
        part::<service_subcategory::Entity>(
            LabelOf::Subcategory,
            service_subcategory::Column::Id,
            service_subcategory::Column::Name,
            None,
            &mut ids.subcategories,
        ),
        part::<team::Entity>(
            LabelOf::Team,
            team::Column::Id,
            team::Column::Name,
            None,
            &mut ids.teams,
        ),
        part::<ticket::Entity>(
            LabelOf::Parent,
            ticket::Column::Id,
            ticket::Column::Reference,
            None,
            &mut ids.parents,
        ),
    ];
    let mut parts = parts.into_iter().flatten();
    let mut labels = TicketLabels::default();
    let Some(mut union) = parts.next() else {
        return Ok(labels);
    };
    for part in parts {
        union.union(UnionType::All, part);
    }
    let rows = db
        .query_all_raw(db.get_database_backend().build(&union))
        .await?;
    for row in rows {
        let id: i64 = row.try_get_by_index(1)?;
        let label: String = row.try_get_by_index(2)?;
        match LabelOf::of(row.try_get_by_index(0)?) {
            Some(LabelOf::Person) => labels.people.push((id, label)),
            Some(LabelOf::Organisation) => labels.organisations.push((id, label)),
            Some(LabelOf::Offer) => labels.offers.push(OfferLabel {
                id,
                code: label,
                provider_id: row.try_get_by_index(3)?,
            }),
            Some(LabelOf::Subcategory) => labels.subcategories.push((id, label)),
            Some(LabelOf::Team) => labels.teams.push((id, label)),
            Some(LabelOf::Parent) => labels.parents.push((id, label)),
            None => {}
        }
    }
    Ok(labels)
}
