//! `LIMIT` and `OFFSET` written as integers in the SQL rather than bound, on SQLite.
//!
//! SQLite plans a statement with the value bound to its `LIMIT` or `OFFSET` (it decides whether
//! walking an index in order beats sorting from it), so it marks the statement to be compiled
//! again whenever that parameter is bound again (`sqlite3ExprIsInteger` sets the statement's
//! variable mask). sea-query binds both, and sqlx binds every parameter on each execution: each
//! page, count and `.one()` was parsed and planned anew every time, 19 % of the server's CPU
//! under a list's load (`sqlite3Reprepare` in `perf`). With the integer in the SQL the plan is
//! the same (SQLite planned with the value anyway), and sqlx's statement cache keeps it: one
//! entry per page size and offset in use, a handful. Only integers are written, so nothing a
//! caller sends becomes SQL text.

use sea_orm::{Statement, Value, Values};

/// `stmt` with every `LIMIT ?` and `OFFSET ?` whose bound value is an integer written as that
/// integer, and the value taken out of the bound ones. Placeholders are SQLite's positional
/// `?`; quoted strings and identifiers are skipped.
pub fn inline(stmt: Statement) -> Statement {
    let Some(Values(values)) = &stmt.values else {
        return stmt;
    };
    if !stmt.sql.contains("LIMIT ?") && !stmt.sql.contains("OFFSET ?") {
        return stmt;
    }
    let mut sql = String::with_capacity(stmt.sql.len());
    let mut kept = Vec::with_capacity(values.len());
    let mut next_value = 0;
    let mut quote: Option<char> = None;
    for ch in stmt.sql.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(ch),
            (None, '?') => {
                let Some(value) = values.get(next_value) else {
                    // More placeholders than values: not ours to rewrite.
                    return stmt;
                };
                next_value += 1;
                let limit = sql.ends_with("LIMIT ") || sql.ends_with("OFFSET ");
                match integer(value).filter(|_| limit) {
                    Some(n) => sql.push_str(&n.to_string()),
                    None => {
                        sql.push('?');
                        kept.push(value.clone());
                    }
                }
                continue;
            }
            (None, _) => {}
        }
        sql.push(ch);
    }
    if next_value != values.len() {
        return stmt;
    }
    Statement {
        sql,
        values: Some(Values(kept)),
        db_backend: stmt.db_backend,
    }
}

/// The integer a bound value holds, if it is one.
fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::TinyInt(Some(n)) => Some(i128::from(*n)),
        Value::SmallInt(Some(n)) => Some(i128::from(*n)),
        Value::Int(Some(n)) => Some(i128::from(*n)),
        Value::BigInt(Some(n)) => Some(i128::from(*n)),
        Value::TinyUnsigned(Some(n)) => Some(i128::from(*n)),
        Value::SmallUnsigned(Some(n)) => Some(i128::from(*n)),
        Value::Unsigned(Some(n)) => Some(i128::from(*n)),
        Value::BigUnsigned(Some(n)) => Some(i128::from(*n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    fn stmt(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    }

    fn values(stmt: &Statement) -> Vec<Value> {
        stmt.values.clone().map(|v| v.0).unwrap_or_default()
    }

    #[test]
    fn a_page_gets_its_limit_and_offset_written() {
        let out = inline(stmt(
            "SELECT * FROM t WHERE a = ? ORDER BY b LIMIT ? OFFSET ?",
            vec![7i64.into(), 50u64.into(), 100u64.into()],
        ));
        assert_eq!(
            out.sql,
            "SELECT * FROM t WHERE a = ? ORDER BY b LIMIT 50 OFFSET 100"
        );
        assert_eq!(values(&out), vec![Value::from(7i64)]);
    }

    #[test]
    fn a_subquery_limit_is_written_and_later_values_stay_in_order() {
        let out = inline(stmt(
            "SELECT COUNT(*) FROM (SELECT 1 FROM t WHERE a = ? LIMIT ?) AS c WHERE ? = ?",
            vec![1i64.into(), 1051u64.into(), "x".into(), "y".into()],
        ));
        assert_eq!(
            out.sql,
            "SELECT COUNT(*) FROM (SELECT 1 FROM t WHERE a = ? LIMIT 1051) AS c WHERE ? = ?"
        );
        assert_eq!(
            values(&out),
            vec![Value::from(1i64), Value::from("x"), Value::from("y")]
        );
    }

    #[test]
    fn question_marks_in_quotes_and_other_parameters_stay() {
        let sql = "SELECT 'LIMIT ?', \"OFFSET ?\" FROM t WHERE a = ? LIMIT ?";
        let out = inline(stmt(sql, vec![5i64.into(), 1u64.into()]));
        assert_eq!(
            out.sql,
            "SELECT 'LIMIT ?', \"OFFSET ?\" FROM t WHERE a = ? LIMIT 1"
        );
        assert_eq!(values(&out), vec![Value::from(5i64)]);
    }

    #[test]
    fn only_integers_are_written() {
        let sql = "SELECT * FROM t LIMIT ?";
        let out = inline(stmt(sql, vec!["1; DROP TABLE t".into()]));
        assert_eq!(out.sql, sql);
        assert_eq!(values(&out).len(), 1);
    }

    #[test]
    fn a_statement_whose_values_do_not_match_its_placeholders_is_left_alone() {
        let sql = "SELECT * FROM t WHERE a = ? LIMIT ?";
        let out = inline(stmt(sql, vec![1u64.into()]));
        assert_eq!(out.sql, sql);
        let out = inline(stmt(sql, vec![1u64.into(), 2u64.into(), 3u64.into()]));
        assert_eq!(out.sql, sql);
    }
}
