//! MariaDB's ticket index: the table `ticket_term`, one row per term and ticket, keyed by
//! (term, ticket), with how many times the term is in the ticket's title, body (public text) and
//! private text (migration 000061).
//!
//! Why not InnoDB FULLTEXT, which the FAQs keep: it hands back every match of a word before any
//! other condition applies, so the window of [`super::Reach::Newest`] did not shorten its work
//! (0.25–1.2 s for a common word over 100 000 tickets). Here a term's rows are in ticket order
//! in the key: a search walks them from the newest ticket down, looks the other terms up by key
//! for each, and stops at the thousandth match; relevance then reads the rows of that window
//! only.

use sea_orm::{
    Condition,
    sea_query::{Alias, Expr, JoinType, Order, Query as SqlQuery, SelectStatement},
};

use super::Private;
use crate::domain::search_terms::Query;

/// Longest term indexed: InnoDB FULLTEXT, before, ignored longer tokens (`search_terms` keeps
/// none that long but a reference's).
pub(super) const MAX_TERM: usize = 84;

/// Adds the match of `query` to a select over `ticket`, ordered by relevance: one join per term,
/// the first under the table's own name (the key [`super::page_of_ids`] walks). Relevance counts
/// a title hit ten times a body hit, as FTS5's weights do; private text never weighs.
pub(super) fn matching(select: &mut SelectStatement, query: &Query, private: Private) {
    let last = query.terms.len().saturating_sub(1);
    let mut public = Condition::all();
    let mut score = Vec::new();
    for (i, term) in query.terms.iter().enumerate() {
        let alias = match i {
            0 => "ticket_term".to_owned(),
            _ => format!("ticket_term_{i}"),
        };
        if query.prefix && i == last {
            // A word still being typed: every term it begins, their counts summed per ticket.
            let begun = SqlQuery::select()
                .column(Alias::new("ticket_id"))
                .expr_as(Expr::cust("SUM(title)"), Alias::new("title"))
                .expr_as(Expr::cust("SUM(body)"), Alias::new("body"))
                .from(Alias::new("ticket_term"))
                .and_where(Expr::cust_with_values("term LIKE ?", [format!("{term}%")]))
                .group_by_col(Alias::new("ticket_id"))
                .to_owned();
            select.join_subquery(
                JoinType::InnerJoin,
                begun,
                Alias::new(&alias),
                Expr::cust(format!("{alias}.ticket_id = ticket.id")),
            );
        } else {
            select.join_as(
                JoinType::InnerJoin,
                Alias::new("ticket_term"),
                Alias::new(&alias),
                Expr::cust_with_values(
                    format!("{alias}.term = ? AND {alias}.ticket_id = ticket.id"),
                    [term.clone()],
                ),
            );
        }
        public = public.add(Expr::cust(format!("{alias}.title + {alias}.body > 0")));
        score.push(format!("10 * {alias}.title + {alias}.body"));
    }
    match private {
        Private::Everywhere => {}
        Private::Nowhere => {
            select.cond_where(public);
        }
        Private::Where(provider) => {
            select.cond_where(Condition::any().add(provider).add(public));
        }
    }
    select.order_by_expr(Expr::cust(score.join(" + ")), Order::Desc);
}
