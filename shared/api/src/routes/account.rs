//! The caller's own account: who they are, their workspaces, the directory.

use axum::extract::State;
use tuilerie_core::request::JoinRequest;
use tuilerie_core::service::{DirectoryEntry, Me, WorkspaceView};

use crate::error::Result;
use crate::extract::{Caller, Json};
use crate::state::AppState;

/// `GET /me`.
pub async fn me(State(state): State<AppState>, Caller(caller): Caller) -> Result<Json<Me>> {
    Ok(Json(state.services.accounts.me(&caller).await?))
}

/// `GET /directory`.
pub async fn directory(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<DirectoryEntry>>> {
    Ok(Json(state.services.workspaces.directory(&caller).await?))
}

/// `GET /workspaces`.
pub async fn my_workspaces(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<WorkspaceView>>> {
    Ok(Json(
        state.services.workspaces.my_workspaces(&caller).await?,
    ))
}

/// `GET /join-requests`.
pub async fn my_join_requests(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<JoinRequest>>> {
    Ok(Json(state.services.joins.my_join_requests(&caller).await?))
}
