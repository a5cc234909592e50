//! One workspace: read, change, delete; plan, quotas and status (platform administrators).

use axum::extract::State;
use axum::http::StatusCode;
use tuilerie_core::service::{Approval, WorkspacePatch, WorkspaceView};

use crate::bodies::StatusChange;
use crate::error::Result;
use crate::extract::{Caller, Json, Path};
use crate::state::AppState;

/// `GET /workspaces/{ws}`.
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
) -> Result<Json<WorkspaceView>> {
    Ok(Json(
        state.services.workspaces.workspace(&caller, &ws).await?,
    ))
}

/// `PATCH /workspaces/{ws}`.
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    Json(patch): Json<WorkspacePatch>,
) -> Result<Json<WorkspaceView>> {
    Ok(Json(
        state
            .services
            .workspaces
            .update_workspace(&caller, &ws, patch)
            .await?,
    ))
}

/// `DELETE /workspaces/{ws}`.
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
) -> Result<StatusCode> {
    state
        .services
        .workspaces
        .delete_workspace(&caller, &ws)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /workspaces/{ws}/limits`.
pub async fn set_limits(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    Json(approval): Json<Approval>,
) -> Result<Json<WorkspaceView>> {
    Ok(Json(
        state
            .services
            .workspaces
            .set_limits(&caller, &ws, approval)
            .await?,
    ))
}

/// `PUT /workspaces/{ws}/status`.
pub async fn set_status(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    Json(change): Json<StatusChange>,
) -> Result<Json<WorkspaceView>> {
    Ok(Json(
        state
            .services
            .workspaces
            .set_status(&caller, &ws, change.status)
            .await?,
    ))
}
