//! The one table of endpoints. The router is built from it, the OpenAPI document is generated
//! from it, and the roles-matrix test checks it has a row for each entry.

use axum::routing::MethodRouter;

use crate::routes::{account, creation, join, members, meta, pipeline, quotas, workspaces};
use crate::state::AppState;

/// An HTTP method used by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name in upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// One endpoint of the API.
#[derive(Clone)]
pub struct Endpoint {
    /// Its method.
    pub method: Method,
    /// Its path, with `{name}` parameters.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Who may call it.
    pub access: &'static str,
    /// Name of the request body's schema, if it takes a body.
    pub body: Option<&'static str>,
    /// Status of a successful answer.
    pub success: u16,
    /// Schema of a successful answer's body: a name, a name followed by `[]` for an array of
    /// them, or empty when the body is not described.
    pub response: &'static str,
    /// The handler.
    pub route: fn() -> MethodRouter<AppState>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.path)
    }
}

macro_rules! endpoint {
    ($method:ident $path:literal, $handler:path, $success:literal, $response:literal, $body:expr, $access:literal, $summary:literal) => {
        Endpoint {
            method: Method::$method,
            path: $path,
            summary: $summary,
            access: $access,
            body: $body,
            success: $success,
            response: $response,
            route: endpoint!(@route $method $handler),
        }
    };
    (@route Get $handler:path) => { || axum::routing::get($handler) };
    (@route Post $handler:path) => { || axum::routing::post($handler) };
    (@route Put $handler:path) => { || axum::routing::put($handler) };
    (@route Patch $handler:path) => { || axum::routing::patch($handler) };
    (@route Delete $handler:path) => { || axum::routing::delete($handler) };
}

/// Every endpoint of the API.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint!(Get "/health", meta::health, 200, "Health", None, "anyone", "Says the server is up."),
        endpoint!(Get "/openapi.json", meta::openapi, 200, "", None, "anyone", "This API's OpenAPI 3.1 document."),
        endpoint!(Get "/me", account::me, 200, "Me", None, "registered users", "The caller, their workspaces and pending requests."),
        endpoint!(Get "/directory", account::directory, 200, "DirectoryEntry[]", None, "registered users", "Public workspaces, which registered users may ask to join."),
        endpoint!(Get "/workspaces", account::my_workspaces, 200, "Workspace[]", None, "registered users", "The caller's workspaces with their role and quotas."),
        endpoint!(Get "/join-requests", account::my_join_requests, 200, "JoinRequest[]", None, "registered users", "The caller's join requests."),
        endpoint!(Post "/workspace-requests", creation::create, 201, "CreationRequest", Some("NewCreationRequest"), "registered users", "Asks for a new workspace; a platform administrator decides."),
        endpoint!(Get "/workspace-requests", creation::list, 200, "CreationRequest[]", None, "registered users (`?status=pending`: platform administrators)", "The caller's creation requests, or with `?status=pending` every pending one."),
        endpoint!(Get "/workspace-requests/{id}", creation::get, 200, "CreationRequest", None, "the requester and platform administrators", "One creation request, with its decision."),
        endpoint!(Post "/workspace-requests/{id}/approve", creation::approve, 200, "Workspace", Some("Approval"), "platform administrators", "Approves a pending request: creates the workspace with its first owner."),
        endpoint!(Post "/workspace-requests/{id}/reject", creation::reject, 200, "CreationRequest", Some("Rejection"), "platform administrators", "Rejects a pending request with a reason shown to the requester."),
        endpoint!(Get "/workspaces/{ws}", workspaces::get, 200, "Workspace", None, "members of the workspace and platform administrators", "The workspace, the caller's role and its quotas."),
        endpoint!(Patch "/workspaces/{ws}", workspaces::update, 200, "Workspace", Some("WorkspacePatch"), "owners of the workspace", "Renames the workspace, changes its description or visibility."),
        endpoint!(Delete "/workspaces/{ws}", workspaces::delete, 204, "", None, "owners of the workspace", "Deletes the workspace."),
        endpoint!(Put "/workspaces/{ws}/limits", workspaces::set_limits, 200, "Workspace", Some("Approval"), "platform administrators", "Sets the workspace's plan and quotas."),
        endpoint!(Put "/workspaces/{ws}/status", workspaces::set_status, 200, "Workspace", Some("StatusChange"), "platform administrators", "Suspends or reactivates the workspace."),
        endpoint!(Get "/workspaces/{ws}/members", members::list, 200, "Member[]", None, "members of the workspace", "The workspace's members and roles."),
        endpoint!(Post "/workspaces/{ws}/members", members::add, 200, "AddedMembers", Some("NewMembers"), "owners and admins of the workspace", "Adds registered users by e-mail, all with the same role."),
        endpoint!(Patch "/workspaces/{ws}/members/{user}", members::change_role, 200, "Member", Some("RoleChange"), "owners and admins of the workspace", "Changes a member's role."),
        endpoint!(Delete "/workspaces/{ws}/members/{user}", members::remove, 204, "", None, "owners and admins of the workspace", "Removes a member."),
        endpoint!(Post "/workspaces/{ws}/leave", members::leave, 204, "", None, "members of the workspace", "Leaves the workspace (not its last owner)."),
        endpoint!(Get "/workspaces/{ws}/join-requests", join::list, 200, "JoinRequest[]", None, "owners and admins of the workspace", "The workspace's join requests."),
        endpoint!(Post "/workspaces/{ws}/join-requests", join::create, 201, "JoinRequest", Some("NewJoinRequest"), "registered users who are not members of this public workspace", "Asks to join a public workspace."),
        endpoint!(Post "/workspaces/{ws}/join-requests/{id}/accept", join::accept, 200, "JoinRequest", Some("JoinAcceptance"), "owners and admins of the workspace", "Accepts a join request with a role (viewer by default)."),
        endpoint!(Post "/workspaces/{ws}/join-requests/{id}/decline", join::decline, 200, "JoinRequest", None, "owners and admins of the workspace", "Declines a join request."),
        endpoint!(Post "/workspaces/{ws}/join-requests/{id}/withdraw", join::withdraw, 200, "JoinRequest", None, "the requester", "Withdraws one's own pending join request."),
        endpoint!(Get "/workspaces/{ws}/usage", quotas::usage, 200, "Usage", None, "members of the workspace and platform administrators", "Each quota's use, reservations and the 90 % warning."),
        endpoint!(Post "/workspaces/{ws}/reservations", quotas::reserve, 201, "Reservation", Some("NewReservation"), "owners, admins and editors of the workspace", "Reserves quota before writing."),
        endpoint!(Post "/workspaces/{ws}/reservations/{id}/commit", quotas::commit, 200, "Reservation", None, "the member of the workspace who made the reservation", "Turns a reservation into usage."),
        endpoint!(Delete "/workspaces/{ws}/reservations/{id}", quotas::release, 200, "Reservation", None, "the member of the workspace who made the reservation", "Gives a reservation back."),
        endpoint!(Post "/workspaces/{ws}/uploads", pipeline::create_upload, 201, "UploadTicket", Some("NewUpload"), "owners, admins and editors of the workspace", "Announces an upload: reserves its size on the uploads quota and answers where to PUT its bytes."),
        endpoint!(Get "/workspaces/{ws}/uploads/{id}", pipeline::upload, 200, "Upload", None, "members of the workspace", "An upload, its state, and the database and pyramid it led to."),
        endpoint!(Delete "/workspaces/{ws}/uploads/{id}", pipeline::delete_upload, 204, "", None, "owners, admins and editors of the workspace", "Deletes an upload that is not being integrated, and the bytes it counted."),
        endpoint!(Post "/workspaces/{ws}/uploads/{id}/retry", pipeline::retry_upload, 202, "Upload", None, "owners, admins and editors of the workspace", "Starts a failed upload again from its kept file."),
        endpoint!(Get "/workspaces/{ws}/databases/{id}", pipeline::database, 200, "Database", None, "members of the workspace", "A vector database with its layers and fields."),
        endpoint!(Post "/workspaces/{ws}/databases/{id}/pyramids", pipeline::create_pyramid, 202, "Pyramid", Some("NewPyramid"), "owners, admins and editors of the workspace", "Asks for a pyramid, or a sample with `sample`, of a ready database."),
        endpoint!(Get "/workspaces/{ws}/pyramids/{id}", pipeline::pyramid, 200, "Pyramid", None, "members of the workspace", "A pyramid or sample: state, progress, size and, when failed, the report."),
        endpoint!(Post "/workspaces/{ws}/pyramids/{id}/cancel", pipeline::cancel_pyramid, 200, "Pyramid", None, "owners, admins and editors of the workspace", "Cancels a queued or running pyramid."),
        endpoint!(Post "/workspaces/{ws}/pyramids/{id}/validate", pipeline::validate_pyramid, 202, "Pyramid", None, "owners, admins and editors of the workspace", "Turns a generated sample into the full pyramid, with the same tiling."),
        endpoint!(Post "/workspaces/{ws}/pyramids/{id}/retry", pipeline::retry_pyramid, 202, "Pyramid", None, "owners, admins and editors of the workspace", "Starts a failed or cancelled pyramid again."),
        endpoint!(Delete "/workspaces/{ws}/pyramids/{id}", pipeline::delete_pyramid, 204, "", None, "owners, admins and editors of the workspace", "Deletes a pyramid that is not being made, and the bytes it counted."),
        endpoint!(Get "/workspaces/{ws}/pyramids/{id}/tiles/{z}/{x}/{y}", pipeline::preview_tile, 200, "", None, "members of the workspace", "A tile of a generated pyramid (gzip-encoded MVT; 204 where there is none), for the private preview."),
    ]
}
