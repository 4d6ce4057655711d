//! Pure rules of the domain: no I/O, each with table-driven tests.

pub mod email;
pub mod role;
pub mod throttle;
pub mod tree;
