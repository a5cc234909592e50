//! Workspace creation requests, decided by platform administrators.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use tuilerie_core::request::CreationRequest;
use tuilerie_core::service::{Approval, NewCreationRequest, WorkspaceView};

use crate::bodies::Rejection;
use crate::error::{ApiError, Result};
use crate::extract::{Caller, Json, Path};
use crate::state::AppState;

/// `POST /workspace-requests`.
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(input): Json<NewCreationRequest>,
) -> Result<(StatusCode, Json<CreationRequest>)> {
    let request = state
        .services
        .creation
        .request_workspace(&caller, input)
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// `GET /workspace-requests[?status=pending]`.
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    query: std::result::Result<
        Query<HashMap<String, String>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Result<Json<Vec<CreationRequest>>> {
    let Query(query) = query?;
    if let Some(unknown) = query.keys().find(|key| key.as_str() != "status") {
        return Err(ApiError::BadQuery(format!(
            "unknown parameter `{unknown}`; only `status=pending` is supported"
        )));
    }
    let requests = match query.get("status").map(String::as_str) {
        None => {
            state
                .services
                .creation
                .my_creation_requests(&caller)
                .await?
        }
        Some("pending") => {
            state
                .services
                .creation
                .pending_creation_requests(&caller)
                .await?
        }
        Some(other) => {
            return Err(ApiError::BadQuery(format!(
                "`status={other}` is not supported; use `status=pending`"
            )))
        }
    };
    Ok(Json(requests))
}

/// `GET /workspace-requests/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Json<CreationRequest>> {
    Ok(Json(
        state
            .services
            .creation
            .creation_request(&caller, &id)
            .await?,
    ))
}

/// `POST /workspace-requests/{id}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    Json(approval): Json<Approval>,
) -> Result<Json<WorkspaceView>> {
    let view = state
        .services
        .creation
        .approve_creation_request(&caller, &id, approval)
        .await?;
    Ok(Json(view))
}

/// `POST /workspace-requests/{id}/reject`.
pub async fn reject(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    Json(rejection): Json<Rejection>,
) -> Result<Json<CreationRequest>> {
    let request = state
        .services
        .creation
        .reject_creation_request(&caller, &id, &rejection.reason)
        .await?;
    Ok(Json(request))
}
