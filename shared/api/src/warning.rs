//! The quota warning header: every successful answer about a workspace says whether any of its
//! quotas is at 90 % or more.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Name of the header, present with value `true` when a quota is at 90 % or more.
pub const QUOTA_WARNING_HEADER: &str = "tuilerie-quota-warning";

/// The workspace a path is about: the segment after `/workspaces/`.
pub fn workspace_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/workspaces/")?;
    let workspace = rest.split('/').next()?;
    (!workspace.is_empty()).then_some(workspace)
}

/// Adds the header to successful answers under `/workspaces/{ws}`. Failed answers never carry
/// it, so it cannot reveal that a workspace the caller may not see exists.
pub async fn add_quota_warning(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let workspace = workspace_of(request.uri().path()).map(str::to_owned);
    let mut response = next.run(request).await;
    if let Some(workspace) = workspace {
        if response.status().is_success() && state.services.quotas.quota_warning(&workspace).await {
            response
                .headers_mut()
                .insert(QUOTA_WARNING_HEADER, HeaderValue::from_static("true"));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_is_the_segment_after_workspaces() {
        assert_eq!(workspace_of("/workspaces/ws_1/members"), Some("ws_1"));
        assert_eq!(workspace_of("/workspaces/ws_1"), Some("ws_1"));
        assert_eq!(workspace_of("/workspaces"), None);
        assert_eq!(workspace_of("/workspaces/"), None);
        assert_eq!(workspace_of("/workspace-requests/cr_1"), None);
    }
}
