//! Which webhook endpoints hear of an event, across tenants: those of the organisations it is
//! about, of the providers of the offers it is about, and of all their ancestors, in one
//! statement. The platform writes the deliveries, whoever acted; whether each endpoint's owner
//! may read what the event is about is decided afterwards, through the owner's own scope.

use entity::webhook_endpoint;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};

/// How an event reached an endpoint: from one of the organisations it is about, or from the
/// provider of one of the offers it is about (the endpoint belongs to it or to an ancestor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// This organisation.
    Organisation(i64),
    /// This offer's provider.
    OfferProvider(i64),
}

/// The active endpoints above `organisations` and the providers of `offers`, each with the way
/// it was reached (an endpoint reached several ways comes once per way). Nothing is read when
/// both lists are empty. The walk up carries where it started, as `auth::organisations_ancestors`
/// does; the endpoints are joined to it, so that a platform without endpoints answers no row.
pub async fn endpoints_above<C: ConnectionTrait>(
    db: &C,
    organisations: &[i64],
    offers: &[i64],
) -> Result<Vec<(Via, webhook_endpoint::Model)>, DbErr> {
    let backend = db.get_database_backend();
    let Some(sql) = statement(backend, organisations.len(), offers.len()) else {
        return Ok(Vec::new());
    };
    // Each start binds its 0 as a 64-bit integer, the type of the ids beside it: PostgreSQL
    // would type a literal 0 as a 32-bit one, which the id columns' decoding refuses.
    let start = |ids: &[i64]| -> Vec<sea_orm::Value> {
        if ids.is_empty() {
            return Vec::new();
        }
        std::iter::once(0i64)
            .chain(ids.iter().copied())
            .map(Into::into)
            .collect()
    };
    let mut values = start(organisations);
    values.extend(start(offers));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let from_organisation: i64 = row.try_get("", "from_organisation")?;
            let from_offer: i64 = row.try_get("", "from_offer")?;
            let via = if from_offer == 0 {
                Via::Organisation(from_organisation)
            } else {
                Via::OfferProvider(from_offer)
            };
            Ok((via, webhook_endpoint::Model::from_query_result(row, "")?))
        })
        .collect()
}

/// The SQL of [`endpoints_above`] for that many organisations and offers (`None` for none).
/// A start names its organisation or its offer and 0 for the other (ids start at 1); the
/// values are bound in the order of the placeholders: 0, the organisations, 0, the offers.
fn statement(backend: DbBackend, organisations: usize, offers: usize) -> Option<String> {
    let mut next = 0;
    let mut placeholders = |count: usize| -> String {
        (0..count)
            .map(|_| {
                next += 1;
                match backend {
                    DbBackend::Postgres => format!("${next}"),
                    _ => "?".to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut starts = Vec::new();
    if organisations > 0 {
        let zero = placeholders(1);
        starts.push(format!(
            "SELECT o.id, {zero}, o.id, o.parent_id FROM organisation o WHERE o.id IN ({})",
            placeholders(organisations)
        ));
    }
    if offers > 0 {
        let zero = placeholders(1);
        starts.push(format!(
            "SELECT {zero}, f.id, p.id, p.parent_id FROM offer f JOIN organisation p \
             ON p.id = f.provider_id WHERE f.id IN ({})",
            placeholders(offers)
        ));
    }
    if starts.is_empty() {
        return None;
    }
    Some(format!(
        "WITH RECURSIVE up(from_organisation, from_offer, id, parent_id) AS ({} UNION ALL \
         SELECT up.from_organisation, up.from_offer, o.id, o.parent_id FROM organisation o \
         JOIN up ON o.id = up.parent_id) \
         SELECT up.from_organisation, up.from_offer, e.id, e.organisation_id, e.url, e.secret, \
         e.kinds, e.active, e.created_by, e.created_at, e.revision \
         FROM up JOIN webhook_endpoint e ON e.organisation_id = up.id WHERE e.active",
        starts.join(" UNION ALL ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_to_start_from_reads_nothing() {
        assert_eq!(statement(DbBackend::Sqlite, 0, 0), None);
    }

    #[test]
    fn postgres_numbers_the_organisations_then_the_offers() {
        let sql = statement(DbBackend::Postgres, 2, 1).unwrap_or_default();
        assert!(sql.contains("SELECT o.id, $1, o.id"), "{sql}");
        assert!(sql.contains("o.id IN ($2, $3)"), "{sql}");
        assert!(sql.contains("SELECT $4, f.id"), "{sql}");
        assert!(sql.contains("f.id IN ($5)"), "{sql}");
    }

    #[test]
    fn offers_alone_start_from_their_providers() {
        let sql = statement(DbBackend::MySql, 0, 2).unwrap_or_default();
        assert!(sql.contains("f.id IN (?, ?)"), "{sql}");
        assert!(!sql.contains("o.id IN"), "{sql}");
    }
}
