//! Guichet's sea-orm entities, one file per table. Models are storage types only: they never
//! derive `Deserialize` (input types live at the edge, per role).
#![expect(
    clippy::disallowed_methods,
    reason = "sea-orm's derives expand to the unscoped builders that the application bans"
)]
#![expect(
    missing_docs,
    reason = "columns are named for the domain; each table's doc comment says what a row is"
)]

pub mod account;
pub mod account_role;
pub mod api_token;
pub mod attachment;
pub mod committee_offer;
pub mod committee_session;
pub mod convention;
pub mod convention_offer;
pub mod digest_choice;
pub mod digest_sent;
pub mod evolution;
pub mod evolution_assessment;
pub mod evolution_history;
pub mod evolution_support;
pub mod faq;
pub mod faq_category;
pub mod faq_feedback;
pub mod faq_suggestion;
pub mod faq_version;
pub mod feed_token;
pub mod idempotency_key;
pub mod identity_provider;
pub mod inbound_mail;
pub mod job;
pub mod login_throttle;
pub mod mailbox;
pub mod maintenance_window;
pub mod major_incident;
pub mod major_incident_member;
pub mod notification;
pub mod notification_mute;
pub mod offer;
pub mod offer_criteria;
pub mod offer_mail_address;
pub mod organisation;
pub mod password_reset;
pub mod release;
pub mod saved_view;
pub mod service_status;
pub mod service_subcategory;
pub mod session;
pub mod setting;
pub mod sla;
pub mod sso_flow;
pub mod steering_ballot;
pub mod steering_decision;
pub mod team;
pub mod team_member;
pub mod ticket;
pub mod ticket_history;
pub mod ticket_log;
pub mod ticket_participant;
pub mod ticket_sequence;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
