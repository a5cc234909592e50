//! JSON Schemas of the request and answer bodies.

use serde_json::{json, Value};

/// The schema of an answer: `Name`, `Name[]`, or any object when empty.
pub(super) fn response_schema(response: &str) -> Value {
    match response.strip_suffix("[]") {
        _ if response.is_empty() => json!({ "type": "object" }),
        Some(item) => json!({ "type": "array", "items": reference(item) }),
        None => reference(response),
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub(super) fn schemas() -> Value {
    let mut schemas = request_schemas();
    if let (Some(all), Value::Object(answers)) = (schemas.as_object_mut(), answer_schemas()) {
        all.extend(answers);
    }
    schemas
}

/// Schemas of the answers' bodies.
fn answer_schemas() -> Value {
    let text = json!({ "type": "string" });
    let time = json!({ "type": "string", "format": "date-time" });
    let maybe_time = json!({ "type": ["string", "null"], "format": "date-time" });
    let count = json!({ "type": "integer", "minimum": 0 });
    let role = reference("Role");
    let maybe_role = json!({ "oneOf": [reference("Role"), { "type": "null" }] });
    let visibility = json!({ "type": "string", "enum": ["private", "public"] });
    let quota = json!({ "type": "string", "enum": ["uploads", "databases", "pyramids", "styles", "streams"] });
    let plan = json!({ "type": "string", "enum": ["test", "standard", "large", "custom"] });
    let status = |name: &str| json!({ "type": "string", "const": name });
    json!({
        "Health": object(&["status"], json!({ "status": text })),
        "User": object(&["id", "email", "registered_at"], json!({ "id": text, "email": text, "registered_at": time })),
        "Me": object(&["user", "platform_admin", "workspaces"], json!({
            "user": reference("User"), "platform_admin": { "type": "boolean" },
            "workspaces": { "type": "array", "items": reference("Workspace") }
        })),
        "QuotaStatus": object(&["quota", "used", "reserved", "limit", "ratio", "warning"], json!({
            "quota": quota, "used": count, "reserved": count, "limit": count,
            "ratio": { "type": "number", "minimum": 0 }, "warning": { "type": "boolean" }
        })),
        "Workspace": object(
            &["id", "name", "description", "visibility", "plan", "limits", "status", "created_at", "role", "quotas", "quota_warning"],
            json!({
                "id": text, "name": text, "description": text, "visibility": visibility, "plan": plan,
                "limits": reference("Limits"), "status": { "type": "string", "enum": ["active", "suspended"] },
                "created_at": time, "role": maybe_role,
                "quotas": { "type": "array", "items": reference("QuotaStatus") }, "quota_warning": { "type": "boolean" }
            }),
        ),
        "DirectoryEntry": object(&["id", "name", "description", "role", "join_request_pending"], json!({
            "id": text, "name": text, "description": text, "role": maybe_role,
            "join_request_pending": { "type": "boolean" }
        })),
        "Member": object(&["workspace", "user", "email", "role", "joined_at"], json!({
            "workspace": text, "user": text, "email": text, "role": role, "joined_at": time
        })),
        "AddedMembers": object(&["added", "already_members"], json!({
            "added": { "type": "array", "items": reference("Member") },
            "already_members": { "type": "array", "items": text }
        })),
        "CreationState": { "oneOf": [
            object(&["status"], json!({ "status": status("pending") })),
            object(&["status", "workspace", "plan"], json!({ "status": status("approved"), "workspace": text, "plan": plan })),
            object(&["status", "reason"], json!({ "status": status("rejected"), "reason": text })),
        ] },
        "CreationRequest": object(
            &["id", "requester", "requester_email", "name", "description", "visibility", "expected_streams", "expected_volume_bytes", "justification", "state", "created_at", "decided_at"],
            json!({
                "id": text, "requester": text, "requester_email": text, "name": text, "description": text,
                "visibility": visibility, "expected_streams": count, "expected_volume_bytes": count,
                "justification": { "type": ["string", "null"] }, "state": reference("CreationState"),
                "created_at": time, "decided_at": maybe_time
            }),
        ),
        "JoinState": { "oneOf": [
            object(&["status"], json!({ "status": status("pending") })),
            object(&["status", "role"], json!({ "status": status("accepted"), "role": role })),
            object(&["status"], json!({ "status": status("declined") })),
            object(&["status"], json!({ "status": status("withdrawn") })),
        ] },
        "JoinRequest": object(
            &["id", "workspace", "requester", "requester_email", "message", "state", "created_at", "closed_at"],
            json!({
                "id": text, "workspace": text, "requester": text, "requester_email": text,
                "message": { "type": ["string", "null"] }, "state": reference("JoinState"),
                "created_at": time, "closed_at": maybe_time
            }),
        ),
        "Reservation": object(&["id", "workspace", "quota", "amount", "created_at", "expires_at"], json!({
            "id": text, "workspace": text, "quota": quota, "amount": count, "created_at": time, "expires_at": time
        })),
        "Usage": object(&["quotas", "reservations", "quota_warning"], json!({
            "quotas": { "type": "array", "items": reference("QuotaStatus") },
            "reservations": { "type": "array", "items": reference("Reservation") },
            "quota_warning": { "type": "boolean" }
        })),
    })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

/// Schemas of the request bodies (and the error body).
fn request_schemas() -> Value {
    let role = json!({ "type": "string", "enum": ["owner", "admin", "editor", "viewer"] });
    let visibility = json!({ "type": "string", "enum": ["private", "public"] });
    let count = json!({ "type": "integer", "minimum": 0 });
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string" },
                    "message": { "type": "string" },
                    "details": { "type": "object" }
                }
            } }
        },
        "Role": role,
        "Limits": {
            "type": "object",
            "additionalProperties": false,
            "required": ["uploads", "databases", "pyramids", "styles", "streams"],
            "properties": {
                "uploads": count, "databases": count, "pyramids": count, "styles": count, "streams": count
            }
        },
        "NewCreationRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "visibility"],
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 80 },
                "description": { "type": "string", "maxLength": 2000 },
                "visibility": visibility,
                "expected_streams": count,
                "expected_volume_bytes": count,
                "justification": { "type": "string", "maxLength": 2000, "description": "Required (10 characters or more) for public workspaces." }
            }
        },
        "Approval": {
            "type": "object",
            "additionalProperties": false,
            "required": ["plan"],
            "properties": {
                "plan": { "type": "string", "enum": ["test", "standard", "large", "custom"] },
                "limits": { "$ref": "#/components/schemas/Limits" }
            }
        },
        "Rejection": {
            "type": "object",
            "additionalProperties": false,
            "required": ["reason"],
            "properties": { "reason": { "type": "string", "minLength": 1, "maxLength": 1000 } }
        },
        "WorkspacePatch": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 80 },
                "description": { "type": "string", "maxLength": 2000 },
                "visibility": visibility
            }
        },
        "StatusChange": {
            "type": "object",
            "additionalProperties": false,
            "required": ["status"],
            "properties": { "status": { "type": "string", "enum": ["active", "suspended"] } }
        },
        "NewMembers": {
            "type": "object",
            "additionalProperties": false,
            "required": ["emails", "role"],
            "properties": {
                "emails": { "type": "array", "minItems": 1, "items": { "type": "string", "format": "email" } },
                "role": { "$ref": "#/components/schemas/Role" }
            }
        },
        "RoleChange": {
            "type": "object",
            "additionalProperties": false,
            "required": ["role"],
            "properties": { "role": { "$ref": "#/components/schemas/Role" } }
        },
        "NewJoinRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": { "message": { "type": "string", "maxLength": 2000 } }
        },
        "JoinAcceptance": {
            "type": "object",
            "additionalProperties": false,
            "properties": { "role": { "$ref": "#/components/schemas/Role" } }
        },
        "NewReservation": {
            "type": "object",
            "additionalProperties": false,
            "required": ["quota", "amount"],
            "properties": {
                "quota": { "type": "string", "enum": ["uploads", "databases", "pyramids", "styles"] },
                "amount": { "type": "integer", "minimum": 1 }
            }
        }
    })
}
