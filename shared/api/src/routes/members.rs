//! Members of a workspace and their roles.

use axum::extract::State;
use axum::http::StatusCode;
use tuilerie_core::service::AddedMembers;
use tuilerie_core::workspace::Member;

use crate::bodies::{NewMembers, RoleChange};
use crate::error::Result;
use crate::extract::{Caller, Json, Path};
use crate::state::AppState;

/// `GET /workspaces/{ws}/members`.
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
) -> Result<Json<Vec<Member>>> {
    Ok(Json(state.services.members.members(&caller, &ws).await?))
}

/// `POST /workspaces/{ws}/members`.
pub async fn add(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    Json(input): Json<NewMembers>,
) -> Result<Json<AddedMembers>> {
    let added = state
        .services
        .members
        .add_members(&caller, &ws, &input.emails, input.role)
        .await?;
    Ok(Json(added))
}

/// `PATCH /workspaces/{ws}/members/{user}`.
pub async fn change_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, user)): Path<(String, String)>,
    Json(change): Json<RoleChange>,
) -> Result<Json<Member>> {
    let member = state
        .services
        .members
        .change_role(&caller, &ws, &user, change.role)
        .await?;
    Ok(Json(member))
}

/// `DELETE /workspaces/{ws}/members/{user}`.
pub async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, user)): Path<(String, String)>,
) -> Result<StatusCode> {
    state
        .services
        .members
        .remove_member(&caller, &ws, &user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /workspaces/{ws}/leave`.
pub async fn leave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
) -> Result<StatusCode> {
    state.services.members.leave(&caller, &ws).await?;
    Ok(StatusCode::NO_CONTENT)
}
