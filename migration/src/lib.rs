//! Guichet's schema, one change per file. Migrations are append-only once landed: to change a
//! table, add a new file rather than editing an old one. `guichet migrate` applies them (and
//! `guichet serve` does at start).

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_organisations_accounts_teams;
mod m20261124_000002_offers;
mod m20261124_000003_sessions_tokens_throttle;
mod m20261124_000004_catalogue;
mod m20261124_000005_tickets;
mod m20261124_000006_idempotency;
mod m20261125_000007_saved_views;
mod m20261125_000008_jobs_outbox;
mod m20261125_000009_sla_clock;
mod m20261125_000010_knowledge_base;
mod m20261125_000011_evolutions;
mod m20261206_000012_idempotency_digest;
mod m20261206_000013_unique_steering_decision;
mod m20261206_000014_sla_calendars;
mod m20261206_000015_mariadb_long_text;
mod m20261206_000016_evolution_step_notes;
mod m20261206_000020_offer_service_status;
mod m20261206_000021_major_incident;
mod m20261206_000022_maintenance_window;
mod m20261206_000023_major_incident_member;
mod m20261206_000024_service_status_current;
mod m20261206_000025_feed_token;
mod m20261206_000028_report_indexes;
mod m20261206_000030_mail_in;
mod m20261206_000031_webhooks;
mod m20261206_000035_identity_providers;
mod m20261207_000036_maintenance_window_revision;
mod m20261207_000037_sla_pause_during_maintenance;
mod m20261207_000040_mailboxes;
mod m20261207_000041_digests;
mod m20261207_000045_identity_provider_revision;
mod m20261207_000055_scope_revision;
mod m20261207_000056_evolution_list_index;
mod m20261207_000057_directory_list_indexes;
mod m20261207_000058_dashboard_indexes;
mod m20261207_000060_ticket_number_sequences;
mod m20261207_000061_mariadb_ticket_terms;
mod m20261207_000062_backlog_index_visibility;
mod m20261207_000063_recent_tickets_index;

/// The ordered list of every migration of Guichet.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_organisations_accounts_teams::Migration),
            Box::new(m20261124_000002_offers::Migration),
            Box::new(m20261124_000003_sessions_tokens_throttle::Migration),
            Box::new(m20261124_000004_catalogue::Migration),
            Box::new(m20261124_000005_tickets::Migration),
            Box::new(m20261124_000006_idempotency::Migration),
            Box::new(m20261125_000007_saved_views::Migration),
            Box::new(m20261125_000008_jobs_outbox::Migration),
            Box::new(m20261125_000009_sla_clock::Migration),
            Box::new(m20261125_000010_knowledge_base::Migration),
            Box::new(m20261125_000011_evolutions::Migration),
            Box::new(m20261206_000012_idempotency_digest::Migration),
            Box::new(m20261206_000013_unique_steering_decision::Migration),
            Box::new(m20261206_000014_sla_calendars::Migration),
            Box::new(m20261206_000015_mariadb_long_text::Migration),
            Box::new(m20261206_000016_evolution_step_notes::Migration),
            Box::new(m20261206_000020_offer_service_status::Migration),
            Box::new(m20261206_000021_major_incident::Migration),
            Box::new(m20261206_000022_maintenance_window::Migration),
            Box::new(m20261206_000023_major_incident_member::Migration),
            Box::new(m20261206_000024_service_status_current::Migration),
            Box::new(m20261206_000025_feed_token::Migration),
            Box::new(m20261206_000028_report_indexes::Migration),
            Box::new(m20261206_000030_mail_in::Migration),
            Box::new(m20261206_000031_webhooks::Migration),
            Box::new(m20261206_000035_identity_providers::Migration),
            Box::new(m20261207_000036_maintenance_window_revision::Migration),
            Box::new(m20261207_000037_sla_pause_during_maintenance::Migration),
            Box::new(m20261207_000040_mailboxes::Migration),
            Box::new(m20261207_000041_digests::Migration),
            Box::new(m20261207_000045_identity_provider_revision::Migration),
            Box::new(m20261207_000055_scope_revision::Migration),
            Box::new(m20261207_000056_evolution_list_index::Migration),
            Box::new(m20261207_000057_directory_list_indexes::Migration),
            Box::new(m20261207_000058_dashboard_indexes::Migration),
            Box::new(m20261207_000060_ticket_number_sequences::Migration),
            Box::new(m20261207_000061_mariadb_ticket_terms::Migration),
            Box::new(m20261207_000062_backlog_index_visibility::Migration),
            Box::new(m20261207_000063_recent_tickets_index::Migration),
        ]
    }
}
