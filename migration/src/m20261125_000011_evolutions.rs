//! Evolution requests and the two committees (SPEC section 7): requests, their supporting
//! establishments, committee members' assessments, per-offer criteria weights, releases with
//! their ranked items, steering ballots and the immutable decision, committee sessions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Evolution {
    Table,
    Id,
    Reference,
    OfferId,
    SubcategoryId,
    Title,
    Description,
    Module,
    RequesterId,
    OrganisationId,
    State,
    StateReason,
    DuplicateOfId,
    ReleaseId,
    ReleaseRank,
    Supporters,
    Score,
    Analysis,
    CreatedAt,
    UpdatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum EvolutionSupport {
    Table,
    Id,
    EvolutionId,
    OrganisationId,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EvolutionAssessment {
    Table,
    Id,
    EvolutionId,
    AccountId,
    Value,
    Clarity,
    ComplexityDays,
    Regulatory,
    Comment,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EvolutionHistory {
    Table,
    Id,
    EvolutionId,
    ActorId,
    FromState,
    ToState,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OfferCriteria {
    Table,
    OfferId,
    Value,
    Clarity,
    Complexity,
    Regulatory,
    Support,
    UpdatedAt,
}

/// `release` is a reserved word in MySQL and MariaDB: the table is `offer_release`.
#[derive(DeriveIden)]
enum Release {
    #[sea_orm(iden = "offer_release")]
    Table,
    Id,
    OfferId,
    Version,
    Kind,
    TargetDate,
    CapacityDays,
    State,
    CreatedAt,
    UpdatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum SteeringBallot {
    Table,
    Id,
    ReleaseId,
    AccountId,
    Vote,
    Removed,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SteeringDecision {
    Table,
    Id,
    ReleaseId,
    Outcome,
    DecidedBy,
    ChairId,
    Proposed,
    Approved,
    Removed,
    Ballots,
    Comment,
    DecidedAt,
}

#[derive(DeriveIden)]
enum CommitteeSession {
    Table,
    Id,
    Committee,
    HeldOn,
    Title,
    Attendees,
    Agenda,
    Decisions,
    Minutes,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Offer {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for col in cols {
        statement.col(col);
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Release::Table)
                    .col(big_pk_auto(Release::Id))
                    .col(big_integer(Release::OfferId))
                    .col(string_len(Release::Version, 50))
                    .col(string_len(Release::Kind, 20))
                    .col(date_null(Release::TargetDate))
                    .col(integer(Release::CapacityDays))
                    .col(string_len(Release::State, 20))
                    .col(timestamp_with_time_zone(Release::CreatedAt))
                    .col(timestamp_with_time_zone(Release::UpdatedAt))
                    .col(integer(Release::Revision))
                    .foreign_key(&mut fk(
                        "fk_release_offer",
                        (Release::Table, Release::OfferId),
                        (Offer::Table, Offer::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One version label per offer; the roadmap lists an offer's releases.
        manager
            .create_index(index(
                "ux_release_offer_version",
                Release::Table,
                vec![Release::OfferId.into_iden(), Release::Version.into_iden()],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Evolution::Table)
                    .col(big_pk_auto(Evolution::Id))
                    .col(string_len_uniq(Evolution::Reference, 20))
                    .col(big_integer(Evolution::OfferId))
                    .col(big_integer_null(Evolution::SubcategoryId))
                    .col(string_len(Evolution::Title, 300))
                    .col(text(Evolution::Description))
                    .col(string_len_null(Evolution::Module, 100))
                    .col(big_integer(Evolution::RequesterId))
                    .col(big_integer(Evolution::OrganisationId))
                    .col(string_len(Evolution::State, 20))
                    .col(text_null(Evolution::StateReason))
                    .col(big_integer_null(Evolution::DuplicateOfId))
                    .col(big_integer_null(Evolution::ReleaseId))
                    .col(integer_null(Evolution::ReleaseRank))
                    .col(integer(Evolution::Supporters).default(1))
                    .col(double_null(Evolution::Score))
                    .col(text_null(Evolution::Analysis))
                    .col(timestamp_with_time_zone(Evolution::CreatedAt))
                    .col(timestamp_with_time_zone(Evolution::UpdatedAt))
                    .col(integer(Evolution::Revision))
                    .foreign_key(&mut fk(
                        "fk_evolution_offer",
                        (Evolution::Table, Evolution::OfferId),
                        (Offer::Table, Offer::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_requester",
                        (Evolution::Table, Evolution::RequesterId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_organisation",
                        (Evolution::Table, Evolution::OrganisationId),
                        (Organisation::Table, Organisation::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_duplicate_of",
                        (Evolution::Table, Evolution::DuplicateOfId),
                        (Evolution::Table, Evolution::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_release",
                        (Evolution::Table, Evolution::ReleaseId),
                        (Release::Table, Release::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The per-offer list and the committee's queue (state), a release's items in order.
        for (name, cols) in [
            (
                "ix_evolution_offer_state",
                vec![
                    Evolution::OfferId.into_iden(),
                    Evolution::State.into_iden(),
                    Evolution::UpdatedAt.into_iden(),
                ],
            ),
            (
                "ix_evolution_release",
                vec![
                    Evolution::ReleaseId.into_iden(),
                    Evolution::ReleaseRank.into_iden(),
                ],
            ),
            (
                "ix_evolution_state",
                vec![
                    Evolution::State.into_iden(),
                    Evolution::UpdatedAt.into_iden(),
                ],
            ),
        ] {
            manager
                .create_index(index(name, Evolution::Table, cols, false))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(EvolutionSupport::Table)
                    .col(big_pk_auto(EvolutionSupport::Id))
                    .col(big_integer(EvolutionSupport::EvolutionId))
                    .col(big_integer(EvolutionSupport::OrganisationId))
                    .col(big_integer(EvolutionSupport::AccountId))
                    .col(timestamp_with_time_zone(EvolutionSupport::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_evolution_support_evolution",
                        (EvolutionSupport::Table, EvolutionSupport::EvolutionId),
                        (Evolution::Table, Evolution::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_support_organisation",
                        (EvolutionSupport::Table, EvolutionSupport::OrganisationId),
                        (Organisation::Table, Organisation::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_support_account",
                        (EvolutionSupport::Table, EvolutionSupport::AccountId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One support per organisation: the database says so too, whatever races.
        manager
            .create_index(index(
                "ux_evolution_support",
                EvolutionSupport::Table,
                vec![
                    EvolutionSupport::EvolutionId.into_iden(),
                    EvolutionSupport::OrganisationId.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvolutionAssessment::Table)
                    .col(big_pk_auto(EvolutionAssessment::Id))
                    .col(big_integer(EvolutionAssessment::EvolutionId))
                    .col(big_integer(EvolutionAssessment::AccountId))
                    .col(small_integer(EvolutionAssessment::Value))
                    .col(small_integer(EvolutionAssessment::Clarity))
                    .col(integer(EvolutionAssessment::ComplexityDays))
                    .col(boolean(EvolutionAssessment::Regulatory))
                    .col(text_null(EvolutionAssessment::Comment))
                    .col(timestamp_with_time_zone(EvolutionAssessment::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_evolution_assessment_evolution",
                        (EvolutionAssessment::Table, EvolutionAssessment::EvolutionId),
                        (Evolution::Table, Evolution::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evolution_assessment_account",
                        (EvolutionAssessment::Table, EvolutionAssessment::AccountId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_evolution_assessment",
                EvolutionAssessment::Table,
                vec![
                    EvolutionAssessment::EvolutionId.into_iden(),
                    EvolutionAssessment::AccountId.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvolutionHistory::Table)
                    .col(big_pk_auto(EvolutionHistory::Id))
                    .col(big_integer(EvolutionHistory::EvolutionId))
                    .col(big_integer_null(EvolutionHistory::ActorId))
                    .col(string_len_null(EvolutionHistory::FromState, 20))
                    .col(string_len(EvolutionHistory::ToState, 20))
                    .col(text_null(EvolutionHistory::Reason))
                    .col(timestamp_with_time_zone(EvolutionHistory::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_evolution_history_evolution",
                        (EvolutionHistory::Table, EvolutionHistory::EvolutionId),
                        (Evolution::Table, Evolution::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_evolution_history",
                EvolutionHistory::Table,
                vec![
                    EvolutionHistory::EvolutionId.into_iden(),
                    EvolutionHistory::Id.into_iden(),
                ],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OfferCriteria::Table)
                    .col(big_integer(OfferCriteria::OfferId).primary_key())
                    .col(double(OfferCriteria::Value))
                    .col(double(OfferCriteria::Clarity))
                    .col(double(OfferCriteria::Complexity))
                    .col(double(OfferCriteria::Regulatory))
                    .col(double(OfferCriteria::Support))
                    .col(timestamp_with_time_zone(OfferCriteria::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_offer_criteria_offer",
                        (OfferCriteria::Table, OfferCriteria::OfferId),
                        (Offer::Table, Offer::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SteeringBallot::Table)
                    .col(big_pk_auto(SteeringBallot::Id))
                    .col(big_integer(SteeringBallot::ReleaseId))
                    .col(big_integer(SteeringBallot::AccountId))
                    .col(string_len(SteeringBallot::Vote, 30))
                    .col(text(SteeringBallot::Removed))
                    .col(text(SteeringBallot::Comment))
                    .col(timestamp_with_time_zone(SteeringBallot::CreatedAt))
                    .col(timestamp_with_time_zone(SteeringBallot::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_steering_ballot_release",
                        (SteeringBallot::Table, SteeringBallot::ReleaseId),
                        (Release::Table, Release::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_steering_ballot_account",
                        (SteeringBallot::Table, SteeringBallot::AccountId),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_steering_ballot",
                SteeringBallot::Table,
                vec![
                    SteeringBallot::ReleaseId.into_iden(),
                    SteeringBallot::AccountId.into_iden(),
                ],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SteeringDecision::Table)
                    .col(big_pk_auto(SteeringDecision::Id))
                    .col(big_integer(SteeringDecision::ReleaseId))
                    .col(string_len(SteeringDecision::Outcome, 30))
                    .col(string_len(SteeringDecision::DecidedBy, 20))
                    .col(big_integer_null(SteeringDecision::ChairId))
                    .col(text(SteeringDecision::Proposed))
                    .col(text(SteeringDecision::Approved))
                    .col(text(SteeringDecision::Removed))
                    .col(text(SteeringDecision::Ballots))
                    .col(text(SteeringDecision::Comment))
                    .col(timestamp_with_time_zone(SteeringDecision::DecidedAt))
                    .foreign_key(&mut fk(
                        "fk_steering_decision_release",
                        (SteeringDecision::Table, SteeringDecision::ReleaseId),
                        (Release::Table, Release::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // A release sent back and proposed again is decided again: the latest decision stands,
        // and none is ever changed.
        manager
            .create_index(index(
                "ix_steering_decision_release",
                SteeringDecision::Table,
                vec![
                    SteeringDecision::ReleaseId.into_iden(),
                    SteeringDecision::Id.into_iden(),
                ],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitteeSession::Table)
                    .col(big_pk_auto(CommitteeSession::Id))
                    .col(string_len(CommitteeSession::Committee, 20))
                    .col(date(CommitteeSession::HeldOn))
                    .col(string_len(CommitteeSession::Title, 200))
                    .col(text(CommitteeSession::Attendees))
                    .col(text(CommitteeSession::Agenda))
                    .col(text(CommitteeSession::Decisions))
                    .col(text(CommitteeSession::Minutes))
                    .col(big_integer(CommitteeSession::CreatedBy))
                    .col(timestamp_with_time_zone(CommitteeSession::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_committee_session_author",
                        (CommitteeSession::Table, CommitteeSession::CreatedBy),
                        (Account::Table, Account::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_committee_session_held_on",
                CommitteeSession::Table,
                vec![CommitteeSession::HeldOn.into_iden()],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CommitteeSession::Table.into_iden(),
            SteeringDecision::Table.into_iden(),
            SteeringBallot::Table.into_iden(),
            OfferCriteria::Table.into_iden(),
            EvolutionHistory::Table.into_iden(),
            EvolutionAssessment::Table.into_iden(),
            EvolutionSupport::Table.into_iden(),
            Evolution::Table.into_iden(),
            Release::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
