//! Uploads, vector databases and pyramids.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tuilerie_core::item::{Database, Pyramid, Upload};
use tuilerie_core::service::{NewPyramid, NewUpload, UploadTicket};

use crate::error::Result;
use crate::extract::{Caller, Json, Path};
use crate::state::AppState;

/// `POST /workspaces/{ws}/uploads`.
pub async fn create_upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(ws): Path<String>,
    Json(input): Json<NewUpload>,
) -> Result<(StatusCode, Json<UploadTicket>)> {
    let ticket = state
        .services
        .pipeline
        .create_upload(&caller, &ws, input)
        .await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// `GET /workspaces/{ws}/uploads/{id}`.
pub async fn upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<Upload>> {
    Ok(Json(
        state.services.pipeline.upload(&caller, &ws, &id).await?,
    ))
}

/// `DELETE /workspaces/{ws}/uploads/{id}`.
pub async fn delete_upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<StatusCode> {
    state
        .services
        .pipeline
        .delete_upload(&caller, &ws, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /workspaces/{ws}/uploads/{id}/retry`.
pub async fn retry_upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Upload>)> {
    let upload = state
        .services
        .pipeline
        .retry_upload(&caller, &ws, &id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(upload)))
}

/// `GET /workspaces/{ws}/databases/{id}`.
pub async fn database(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<Database>> {
    Ok(Json(
        state.services.pipeline.database(&caller, &ws, &id).await?,
    ))
}

/// `POST /workspaces/{ws}/databases/{id}/pyramids`.
pub async fn create_pyramid(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
    Json(input): Json<NewPyramid>,
) -> Result<(StatusCode, Json<Pyramid>)> {
    let pyramid = state
        .services
        .pipeline
        .create_pyramid(&caller, &ws, &id, input)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(pyramid)))
}

/// `GET /workspaces/{ws}/pyramids/{id}`.
pub async fn pyramid(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<Pyramid>> {
    Ok(Json(
        state.services.pipeline.pyramid(&caller, &ws, &id).await?,
    ))
}

/// `POST /workspaces/{ws}/pyramids/{id}/cancel`.
pub async fn cancel_pyramid(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Json<Pyramid>> {
    Ok(Json(
        state
            .services
            .pipeline
            .cancel_pyramid(&caller, &ws, &id)
            .await?,
    ))
}

/// `POST /workspaces/{ws}/pyramids/{id}/validate`.
pub async fn validate_pyramid(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Pyramid>)> {
    let full = state
        .services
        .pipeline
        .validate_pyramid(&caller, &ws, &id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(full)))
}

/// `POST /workspaces/{ws}/pyramids/{id}/retry`.
pub async fn retry_pyramid(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Pyramid>)> {
    let pyramid = state
        .services
        .pipeline
        .retry_pyramid(&caller, &ws, &id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(pyramid)))
}

/// `DELETE /workspaces/{ws}/pyramids/{id}`.
pub async fn delete_pyramid(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id)): Path<(String, String)>,
) -> Result<StatusCode> {
    state
        .services
        .pipeline
        .delete_pyramid(&caller, &ws, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /workspaces/{ws}/pyramids/{id}/tiles/{z}/{x}/{y}`: the tile as stored, gzip-encoded
/// MVT; 204 where the pyramid has no tile.
pub async fn preview_tile(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((ws, id, z, x, y)): Path<(String, String, u8, u32, String)>,
) -> Result<Response> {
    let y: u32 = y
        .trim_end_matches(".mvt")
        .trim_end_matches(".pbf")
        .parse()
        .map_err(|_| tuilerie_core::Error::not_found(format!("tile {z}/{x}/{y}")))?;
    let tile = state
        .services
        .pipeline
        .preview_tile(&caller, &ws, &id, (z, x, y))
        .await?;
    Ok(match tile {
        Some(bytes) => {
            let gzipped = bytes.starts_with(&[0x1f, 0x8b]);
            let mut response = (
                [
                    (header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile"),
                    (header::CACHE_CONTROL, "private, no-cache"),
                ],
                bytes,
            )
                .into_response();
            if gzipped {
                response.headers_mut().insert(
                    header::CONTENT_ENCODING,
                    header::HeaderValue::from_static("gzip"),
                );
            }
            response
        }
        None => StatusCode::NO_CONTENT.into_response(),
    })
}
