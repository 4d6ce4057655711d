//! Provider teams and their members.

use entity::{team, team_member};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    PageRequest, Paged, Problems,
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::db::{Ctx, Handle, directory};

/// A team as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: i64,
    /// The organisation the team belongs to.
    pub organisation_id: i64,
    /// Name.
    pub name: String,
    /// For optimistic locking.
    pub revision: i32,
}

/// A member of a team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// Account id.
    pub id: i64,
    /// Shown name.
    pub display_name: String,
    /// Sign-in address.
    pub email: String,
}

/// A team with its members.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamDetail {
    /// The team.
    #[serde(flatten)]
    pub team: TeamView,
    /// Its members, by name.
    pub members: Vec<MemberView>,
}

impl From<team::Model> for TeamView {
    fn from(t: team::Model) -> Self {
        Self {
            id: t.id,
            organisation_id: t.organisation_id,
            name: t.name,
            revision: t.revision,
        }
    }
}

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": 3, "name": "Équipe SMS-U niveau 2"}))]
pub struct NewTeam {
    /// Organisation id.
    pub organisation_id: i64,
    /// Name, unique in the organisation.
    pub name: String,
}

/// Renaming a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "name": "Équipe SMS-U support avancé"}))]
pub struct TeamChanges {
    /// The revision read.
    pub revision: i32,
    /// New name.
    pub name: String,
}

/// The teams the caller reads.
pub async fn list<C: Handle>(ctx: &Ctx<C>, page: PageRequest) -> ServiceResult<Paged<TeamView>> {
    let page = page.checked()?;
    let query = ctx.find::<team::Entity>();
    let total = query.clone().count(ctx).await?;
    let items = query
        .order_by_asc(team::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?
        .into_iter()
        .map(TeamView::from)
        .collect();
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One team the caller reads, with its members; 404 otherwise.
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<TeamDetail> {
    let team: TeamView = ctx
        .find::<team::Entity>()
        .filter(team::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?
        .into();
    let member_ids = ctx
        .find::<team_member::Entity>()
        .select_only()
        .column(team_member::Column::AccountId)
        .filter(team_member::Column::TeamId.eq(id))
        .into_query();
    // Whoever reads a team sees its members' names, whatever organisation they are in (the
    // member rows themselves were read through the team's rule just above).
    let members = directory::people(ctx, member_ids)
        .await?
        .into_iter()
        .map(|a| MemberView {
            id: a.id,
            display_name: a.display_name,
            email: a.email,
        })
        .collect();
    Ok(TeamDetail { team, members })
}

/// Creates a team in an organisation the caller manages.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewTeam) -> ServiceResult<TeamDetail> {
    crate::services::organisations::get(ctx, new.organisation_id)
        .await
        .map_err(|_| ServiceError::field("organisation_id", "field-unknown", vec![]))?;
    if !ctx.scope().manages_organisation(new.organisation_id) {
        return Err(ServiceError::forbidden(
            "refused-team-organisation-not-managed",
            vec![],
        ));
    }
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 200);
    name_free(ctx, &mut problems, new.organisation_id, &name, None).await?;
    problems.into_result()?;
    let now = ctx.now();
    let row = team::ActiveModel {
        organisation_id: Set(new.organisation_id),
        name: Set(name),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    get(ctx, row.id).await
}

async fn name_free<C: Handle>(
    ctx: &Ctx<C>,
    problems: &mut Problems,
    organisation_id: i64,
    name: &str,
    except: Option<i64>,
) -> ServiceResult<()> {
    // A name is unique in its organisation, including teams the caller cannot see.
    let mut same = sea_orm::Condition::all()
        .add(team::Column::OrganisationId.eq(organisation_id))
        .add(team::Column::Name.eq(name));
    if let Some(id) = except {
        same = same.add(team::Column::Id.ne(id));
    }
    if directory::taken::<team::Entity>(ctx, same).await? {
        problems.rule("name", "field-team-name-taken", vec![]);
    }
    Ok(())
}

/// The team, if the caller may change it: 404 if unreadable, 403 if read-only.
async fn managed<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<TeamView> {
    let team = get(ctx, id).await?.team;
    if !ctx.scope().manages_organisation(team.organisation_id) {
        return Err(ServiceError::forbidden("refused-team-read-only", vec![]));
    }
    Ok(team)
}

/// Renames a team (409 if `revision` is stale).
pub async fn update<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
    changes: TeamChanges,
) -> ServiceResult<TeamDetail> {
    let current = managed(ctx, id).await?;
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &changes.name, 200);
    name_free(ctx, &mut problems, current.organisation_id, &name, Some(id)).await?;
    problems.into_result()?;
    let result = ctx
        .update_many::<team::Entity>()
        .col_expr(team::Column::Name, Expr::value(name))
        .col_expr(team::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(team::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(team::Column::Id.eq(id))
        .filter(team::Column::Revision.eq(changes.revision))
        .exec(ctx)
        .await?;
    if result.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
}

/// Adds an account the caller reads to a team it manages (adding twice changes nothing).
pub async fn add_member<C: Handle>(
    ctx: &Ctx<C>,
    team_id: i64,
    account_id: i64,
) -> ServiceResult<TeamDetail> {
    managed(ctx, team_id).await?;
    crate::services::accounts::get(ctx, account_id)
        .await
        .map_err(|_| ServiceError::field("account_id", "field-unknown", vec![]))?;
    // The insert itself is the team's manager's (checked just above): `insert_child` cannot
    // express the upsert that keeps adding twice harmless.
    team_member::Entity::insert(team_member::ActiveModel {
        team_id: Set(team_id),
        account_id: Set(account_id),
    })
    .on_conflict(
        OnConflict::columns([team_member::Column::TeamId, team_member::Column::AccountId])
            // Rewriting the key with itself is a no-op that all three databases accept
            // (MariaDB has no `DO NOTHING`).
            .update_column(team_member::Column::TeamId)
            .to_owned(),
    )
    .exec_without_returning(ctx)
    .await?;
    get(ctx, team_id).await
}

/// Removes a member from a team the caller manages.
pub async fn remove_member<C: Handle>(
    ctx: &Ctx<C>,
    team_id: i64,
    account_id: i64,
) -> ServiceResult<TeamDetail> {
    managed(ctx, team_id).await?;
    ctx.delete_many::<team_member::Entity>()
        .filter(team_member::Column::TeamId.eq(team_id))
        .filter(team_member::Column::AccountId.eq(account_id))
        .exec(ctx)
        .await?;
    get(ctx, team_id).await
}

/// The caller's own teams, by name (for the desk's "unassigned in my teams" views).
pub async fn own<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<(i64, String)>> {
    Ok(ctx
        .find::<team::Entity>()
        .select_only()
        .column(team::Column::Id)
        .column(team::Column::Name)
        .filter(team::Column::Id.is_in(ctx.caller().team_ids.clone()))
        .order_by_asc(team::Column::Name)
        .into_tuple()
        .all(ctx)
        .await?)
}
