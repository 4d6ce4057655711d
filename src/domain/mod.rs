//! Pure rules of the domain: no I/O, each with table-driven tests.

pub mod business_time;
pub mod catalogue;
pub mod control_chars;
pub mod email;
pub mod evolution;
pub mod filing;
pub mod holidays;
pub mod idempotency;
pub mod jobs;
pub mod lifecycle;
pub mod local_time;
pub mod password_length;
pub mod priority;
pub mod role;
pub mod scoring;
pub mod search_terms;
pub mod service_status;
pub mod sla;
pub mod sla_clock;
pub mod spreadsheet;
pub mod steering;
pub mod tenths;
pub mod throttle;
pub mod tree;
pub mod web_address;
pub mod what_if;
