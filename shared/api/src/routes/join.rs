//! Join requests to public workspaces.

use axum::extract::State;
use axum::http::StatusCode;
use tuilerie_core::request::JoinRequest;

use crate::bodies::{JoinAcceptance, NewJoinRequest};
use crate::error::Result;
use crate::extract::{Caller, Json, JsonOrEmpty, Path};
use crate::state::AppState;

/// `GET /workspaces/{ws}/join-requests`.
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
) -> Result<Json<Vec<JoinRequest>>> {
    Ok(Json(
        state.services.joins.join_requests(&caller, &ws).await?,
    ))
}

/// `POST /workspaces/{ws}/join-requests`.
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    JsonOrEmpty(input): JsonOrEmpty<NewJoinRequest>,
) -> Result<(StatusCode, Json<JoinRequest>)> {
    let request = state
        .services
        .joins
        .request_to_join(&caller, &ws, input.message)
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// `POST /workspaces/{ws}/join-requests/{id}/accept`.
pub async fn accept(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
    JsonOrEmpty(input): JsonOrEmpty<JoinAcceptance>,
) -> Result<Json<JoinRequest>> {
    let request = state
        .services
        .joins
        .accept_join_request(&caller, &ws, &id, input.role)
        .await?;
    Ok(Json(request))
}

/// `POST /workspaces/{ws}/join-requests/{id}/decline`.
pub async fn decline(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<JoinRequest>> {
    Ok(Json(
        state
            .services
            .joins
            .decline_join_request(&caller, &ws, &id)
            .await?,
    ))
}

/// `POST /workspaces/{ws}/join-requests/{id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<JoinRequest>> {
    Ok(Json(
        state
            .services
            .joins
            .withdraw_join_request(&caller, &ws, &id)
            .await?,
    ))
}
