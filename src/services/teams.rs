//! Provider teams and their members.

use chrono::Utc;
use entity::{account, team, team_member};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, OnConflict, Query},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PageRequest, Paged, Problems, required_text, stale};
use crate::{
    db::{Scoped, Unscoped},
    error::AppError,
};

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
pub struct NewTeam {
    /// Organisation id.
    pub organisation_id: i64,
    /// Name, unique in the organisation.
    pub name: String,
}

/// Renaming a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamChanges {
    /// The revision read.
    pub revision: i32,
    /// New name.
    pub name: String,
}

/// The teams the caller reads.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    page: PageRequest,
) -> Result<Paged<TeamView>, AppError> {
    let page = page.checked()?;
    let query = db.find::<team::Entity>();
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_asc(team::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
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
pub async fn get<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> Result<TeamDetail, AppError> {
    let team: TeamView = db
        .find::<team::Entity>()
        .filter(team::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?
        .into();
    let members = Unscoped::find::<account::Entity>()
        .filter(
            account::Column::Id.in_subquery(
                Query::select()
                    .column(team_member::Column::AccountId)
                    .from(team_member::Entity)
                    .and_where(team_member::Column::TeamId.eq(id))
                    .to_owned(),
            ),
        )
        .order_by_asc(account::Column::DisplayName)
        // A team is a handful of people; the cap keeps a pathological one bounded.
        .limit(500)
        .all(db.conn())
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
pub async fn create<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    new: NewTeam,
) -> Result<TeamDetail, AppError> {
    crate::services::organisations::get(db, new.organisation_id)
        .await
        .map_err(|_| AppError::field("organisation_id", "no such organisation"))?;
    if !db.scope().manages_organisation(new.organisation_id) {
        return Err(AppError::Forbidden(
            "you do not manage this organisation's teams".to_owned(),
        ));
    }
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 200);
    name_free(db, &mut problems, new.organisation_id, &name, None).await?;
    problems.into_result()?;
    let now = Utc::now();
    let row = team::ActiveModel {
        organisation_id: Set(new.organisation_id),
        name: Set(name),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db.conn())
    .await?;
    get(db, row.id).await
}

async fn name_free<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    problems: &mut Problems,
    organisation_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<(), AppError> {
    let mut query = Unscoped::find::<team::Entity>()
        .filter(team::Column::OrganisationId.eq(organisation_id))
        .filter(team::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(team::Column::Id.ne(id));
    }
    if query.count(db.conn()).await? > 0 {
        problems.add("name", "the organisation already has a team of this name");
    }
    Ok(())
}

/// The team, if the caller may change it: 404 if unreadable, 403 if read-only.
async fn managed<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> Result<TeamView, AppError> {
    let team = get(db, id).await?.team;
    if !db.scope().manages_organisation(team.organisation_id) {
        return Err(AppError::Forbidden(
            "you may read this team but not change it".to_owned(),
        ));
    }
    Ok(team)
}

/// Renames a team (409 if `revision` is stale).
pub async fn update<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
    changes: TeamChanges,
) -> Result<TeamDetail, AppError> {
    let current = managed(db, id).await?;
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &changes.name, 200);
    name_free(db, &mut problems, current.organisation_id, &name, Some(id)).await?;
    problems.into_result()?;
    let result = db
        .update_many::<team::Entity>()
        .col_expr(team::Column::Name, Expr::value(name))
        .col_expr(team::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(team::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(team::Column::Id.eq(id))
        .filter(team::Column::Revision.eq(changes.revision))
        .exec(db.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(stale());
    }
    get(db, id).await
}

/// Adds an account the caller reads to a team it manages (adding twice changes nothing).
pub async fn add_member<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    team_id: i64,
    account_id: i64,
) -> Result<TeamDetail, AppError> {
    managed(db, team_id).await?;
    crate::services::accounts::get(db, account_id)
        .await
        .map_err(|_| AppError::field("account_id", "no such account"))?;
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
    .exec_without_returning(db.conn())
    .await?;
    get(db, team_id).await
}

/// Removes a member from a team the caller manages.
pub async fn remove_member<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    team_id: i64,
    account_id: i64,
) -> Result<TeamDetail, AppError> {
    managed(db, team_id).await?;
    Unscoped::delete_many::<team_member::Entity>()
        .filter(team_member::Column::TeamId.eq(team_id))
        .filter(team_member::Column::AccountId.eq(account_id))
        .exec(db.conn())
        .await?;
    get(db, team_id).await
}

/// The caller's own teams, by name (for the desk's "unassigned in my teams" views).
pub async fn own<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &crate::access::Caller,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(db
        .find::<team::Entity>()
        .select_only()
        .column(team::Column::Id)
        .column(team::Column::Name)
        .filter(team::Column::Id.is_in(caller.team_ids.clone()))
        .order_by_asc(team::Column::Name)
        .into_tuple()
        .all(db.conn())
        .await?)
}
