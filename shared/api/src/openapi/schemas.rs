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
    for more in [answer_schemas(), pipeline_schemas()] {
        if let (Some(all), Value::Object(more)) = (schemas.as_object_mut(), more) {
            all.extend(more);
        }
    }
    schemas
}

/// Schemas of uploads, databases and pyramids, asked for and answered.
fn pipeline_schemas() -> Value {
    let text = json!({ "type": "string" });
    let maybe_text = json!({ "type": ["string", "null"] });
    let time = json!({ "type": "string", "format": "date-time" });
    let count = json!({ "type": "integer", "minimum": 0 });
    let fraction = json!({ "type": "number", "minimum": 0, "maximum": 1 });
    let zoom = json!({ "type": "integer", "minimum": 0, "maximum": tuilerie_core::item::MAX_ZOOM });
    let bbox = json!({ "type": ["array", "null"], "items": { "type": "number" }, "minItems": 4, "maxItems": 4 });
    let point = json!({ "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2,
        "description": "[longitude, latitude] in degrees" });
    let maybe_report = json!({ "oneOf": [reference("Report"), { "type": "null" }] });
    let layer_tiling = json!({
        "type": "object", "additionalProperties": false,
        "properties": {
            "attributes": { "type": "array", "items": text, "maxItems": 10000 },
            "filter": { "type": "string", "description": "e.g. `population > 1000`" },
            "min_zoom": zoom, "max_zoom": zoom
        }
    });
    let tiling_properties = json!({
        "min_zoom": zoom, "max_zoom": zoom,
        "preset": { "type": "string", "enum": ["heterogeneous", "networks", "lines", "polygons_schematised",
            "polygons_selected", "polygons_merged", "polygons_harmonised", "keep_all"] },
        "layers": { "type": "object", "additionalProperties": layer_tiling, "maxProperties": 1000 }
    });
    let mut sample_properties = tiling_properties.clone();
    if let Some(map) = sample_properties.as_object_mut() {
        map.insert("point".to_owned(), point.clone());
    }
    let mut new_pyramid = tiling_properties.clone();
    if let Some(map) = new_pyramid.as_object_mut() {
        map.insert(
            "sample".to_owned(),
            json!({ "type": "object", "additionalProperties": false, "properties": { "point": point } }),
        );
    }
    json!({
        "Tiling": { "type": "object", "additionalProperties": false, "properties": tiling_properties },
        "Then": { "oneOf": [
            { "type": "object", "additionalProperties": false, "required": ["pyramid"],
              "properties": { "pyramid": reference("Tiling") } },
            { "type": "object", "additionalProperties": false, "required": ["sample"],
              "properties": { "sample": { "type": "object", "additionalProperties": false, "properties": sample_properties } } }
        ] },
        "NewUpload": {
            "type": "object", "additionalProperties": false, "required": ["file_name", "size"],
            "properties": {
                "file_name": { "type": "string", "minLength": 1, "maxLength": 255 },
                "size": { "type": "integer", "minimum": 1, "maximum": tuilerie_core::item::MAX_UPLOAD_BYTES },
                "crs": { "type": "string", "minLength": 1, "maxLength": 2000, "description": "e.g. EPSG:2154" },
                "then": reference("Then")
            }
        },
        "NewPyramid": { "type": "object", "additionalProperties": false, "properties": new_pyramid },
        "ReportStep": object(&["number", "name", "state"], json!({
            "number": count, "name": text, "state": { "type": "string", "enum": ["done", "failed", "not run"] }
        })),
        "Report": object(&["failure", "failed_step", "steps", "cause", "fix", "code", "input_kept", "at"], json!({
            "failure": { "type": "string", "enum": ["InvalidInput", "QuotaExceeded", "Cancelled", "Transient", "Internal"] },
            "failed_step": count, "steps": { "type": "array", "items": reference("ReportStep") },
            "cause": text, "fix": text, "code": text, "input_kept": { "type": "boolean" }, "at": time
        })),
        "Upload": object(
            &["id", "workspace", "file_name", "size", "stored", "state", "reservation", "database", "pyramid", "progress", "report", "created_by", "created_at", "updated_at", "expires_at"],
            json!({
                "id": text, "workspace": text, "file_name": text, "size": count, "stored": count,
                "crs": text, "then": reference("Then"),
                "state": { "type": "string", "enum": ["awaiting_bytes", "received", "integrating", "integrated", "failed", "cancelled"] },
                "reservation": text, "database": maybe_text, "pyramid": maybe_text, "progress": fraction,
                "attempts": count, "report": maybe_report, "created_by": text, "created_at": time,
                "updated_at": time, "expires_at": time
            }),
        ),
        "UploadTicket": object(&["upload", "upload_url", "upload_method", "expires_at"], json!({
            "upload": reference("Upload"), "upload_url": text,
            "upload_method": { "type": "string", "const": "PUT" }, "expires_at": time
        })),
        "DatabaseLayer": object(
            &["name", "original_name", "geometry_types", "source_crs", "features", "skipped", "fields", "extent"],
            json!({
                "name": text, "original_name": text, "geometry_types": { "type": "array", "items": text },
                "source_crs": text, "features": count, "skipped": count,
                "fields": { "type": "array", "items": object(&["name", "type"], json!({ "name": text, "type": text })) },
                "extent": bbox
            }),
        ),
        "Database": object(
            &["id", "workspace", "upload", "file_name", "state", "size", "layers", "warnings", "created_by", "created_at", "updated_at"],
            json!({
                "id": text, "workspace": text, "upload": text, "file_name": text,
                "state": { "type": "string", "enum": ["integrating", "ready", "tiling", "deleted"] },
                "size": count, "layers": { "type": "array", "items": reference("DatabaseLayer") },
                "warnings": { "type": "array", "items": text }, "created_by": text,
                "created_at": time, "updated_at": time
            }),
        ),
        "Pyramid": object(
            &["id", "workspace", "database", "kind", "tiling", "state", "progress", "size", "tiles", "zooms", "bounds", "report", "created_by", "created_at", "updated_at"],
            json!({
                "id": text, "workspace": text, "database": text,
                "kind": { "type": "string", "enum": ["full", "sample"] }, "tiling": reference("Tiling"),
                "point": point,
                "state": { "type": "string", "enum": ["queued", "tiling", "generated", "failed", "cancelled"] },
                "progress": fraction, "attempts": count, "upload": text, "size": count, "tiles": count,
                "zooms": { "type": ["array", "null"], "items": zoom, "minItems": 2, "maxItems": 2 },
                "bounds": bbox, "report": maybe_report, "validated_as": text,
                "created_by": text, "created_at": time, "updated_at": time
            }),
        ),
    })
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
            "id": text, "workspace": text, "quota": quota, "amount": count, "created_at": time, "expires_at": time,
            "holder": { "type": ["string", "null"], "description": "The member who made it; null when the pipeline holds it." }
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
                "expected_volume_bytes": { "type": "integer", "minimum": 0, "maximum": tuilerie_core::quota::MAX_BYTES },
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
                "amount": { "type": "integer", "minimum": 1, "maximum": tuilerie_core::quota::MAX_BYTES }
            }
        }
    })
}
