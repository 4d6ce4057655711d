//! Guichet's tests over HTTP, one module per capability, compiled into one binary so the suite
//! links once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail loudly by design"
)]

mod support;

mod access;
#[cfg(feature = "browser")]
mod accessibility;
mod api_contract;
mod boot;
#[cfg(feature = "browser")]
mod browser;
#[cfg(feature = "browser")]
mod browser_forms;
#[cfg(feature = "browser")]
mod browser_reports;
#[cfg(feature = "browser")]
mod browser_status;
mod bulk;
mod catalogue;
mod catalogue_pages;
mod child_rows;
mod dashboards;
mod digests;
mod evolution_pages;
mod evolutions;
mod exports;
mod hardening_integrity;
mod hardening_limits;
mod hardening_signin;
mod identity;
mod identity_providers;
#[cfg(feature = "imap")]
mod imap;
mod jobs;
mod knowledge;
mod knowledge_pages;
mod lists;
mod lists_committee;
mod lists_directory;
mod mail_in;
mod mail_throughput;
mod mailboxes;
mod notifications;
mod own_password;
mod pages;
mod reports;
mod sla;
mod sla_calendars;
#[cfg(feature = "sso")]
mod sso;
mod status;
mod status_availability;
mod status_feed;
mod status_maintenance;
mod status_races;
mod status_sla_pause;
mod system;
mod ticket_pages;
mod tickets;
mod webhooks;
