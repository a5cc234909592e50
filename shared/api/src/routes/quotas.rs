//! Quota usage and reservations.

use axum::extract::State;
use axum::http::StatusCode;
use tuilerie_core::quota::Reservation;
use tuilerie_core::service::UsageView;

use crate::bodies::NewReservation;
use crate::error::Result;
use crate::extract::{Caller, Json, Path};
use crate::state::AppState;

/// `GET /workspaces/{ws}/usage`.
pub async fn usage(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
) -> Result<Json<UsageView>> {
    Ok(Json(state.services.quotas.usage(&caller, &ws).await?))
}

/// `POST /workspaces/{ws}/reservations`.
pub async fn reserve(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    Json(input): Json<NewReservation>,
) -> Result<(StatusCode, Json<Reservation>)> {
    let reservation = state
        .services
        .quotas
        .reserve(&caller, &ws, input.quota.storage()?, input.amount)
        .await?;
    Ok((StatusCode::CREATED, Json(reservation)))
}

/// `POST /workspaces/{ws}/reservations/{id}/commit`.
pub async fn commit(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<Reservation>> {
    Ok(Json(
        state
            .services
            .quotas
            .commit_reservation(&caller, &ws, &id)
            .await?,
    ))
}

/// `DELETE /workspaces/{ws}/reservations/{id}`.
pub async fn release(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<Reservation>> {
    Ok(Json(
        state
            .services
            .quotas
            .release_reservation(&caller, &ws, &id)
            .await?,
    ))
}
