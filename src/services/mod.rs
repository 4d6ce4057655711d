//! Use cases: the only code that writes. Each takes a database handle (a connection or a
//! transaction) and domain types, and answers domain results or an [`crate::error::AppError`].

pub mod accounts;
