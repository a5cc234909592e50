//! The roles matrix itself: one row per endpoint, the expected status for each caller in
//! column A (the caller's own workspace or request) and B (another one); see the parent
//! module for what A and B are.

use tuilerie_api::endpoints::endpoints;

/// The callers, in the order of the table's columns.
pub const CALLERS: [&str; 8] = [
    "owner",
    "admin",
    "editor",
    "viewer",
    "outsider",
    "stranger",
    "anonymous",
    "platform admin",
];

type Cells = [u16; 8];

/// One endpoint's expected statuses, for columns A and B.
struct Row {
    endpoint: &'static str,
    a: Cells,
    b: Option<Cells>,
}

const fn row(endpoint: &'static str, a: Cells, b: Option<Cells>) -> Row {
    Row { endpoint, a, b }
}

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                                       owner admin editor viewer outsider stranger anon padmin
    row("GET /health",                                      [200, 200, 200, 200, 200, 200, 200, 200], None),
    row("GET /openapi.json",                                [200, 200, 200, 200, 200, 200, 200, 200], None),
    row("GET /me",                                          [200, 200, 200, 200, 200, 200, 401, 200], None),
    row("GET /directory",                                   [200, 200, 200, 200, 200, 200, 401, 200], None),
    row("GET /workspaces",                                  [200, 200, 200, 200, 200, 200, 401, 200], None),
    row("GET /join-requests",                               [200, 200, 200, 200, 200, 200, 401, 200], None),
    row("POST /workspace-requests",                         [201, 201, 201, 201, 201, 201, 401, 201], None),
    row("GET /workspace-requests",                          [200, 200, 200, 200, 200, 200, 401, 200], None),
    row("GET /workspace-requests?status=pending",           [403, 403, 403, 403, 403, 403, 401, 200], None),
    row("GET /workspace-requests/{id}",                     [200, 404, 404, 404, 404, 404, 401, 200],
                                                       Some([404, 404, 404, 404, 404, 200, 401, 200])),
    row("POST /workspace-requests/{id}/approve",            [403, 403, 403, 403, 403, 403, 401, 200],
                                                       Some([403, 403, 403, 403, 403, 403, 401, 200])),
    row("POST /workspace-requests/{id}/reject",             [403, 403, 403, 403, 403, 403, 401, 200],
                                                       Some([403, 403, 403, 403, 403, 403, 401, 200])),
    row("GET /workspaces/{ws}",                             [200, 200, 200, 200, 404, 404, 401, 200],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 200])),
    row("PATCH /workspaces/{ws}",                           [200, 403, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("DELETE /workspaces/{ws}",                          [204, 403, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("PUT /workspaces/{ws}/limits",                      [403, 403, 403, 403, 403, 403, 401, 200],
                                                       Some([403, 403, 403, 403, 403, 403, 401, 200])),
    row("PUT /workspaces/{ws}/status",                      [403, 403, 403, 403, 403, 403, 401, 200],
                                                       Some([403, 403, 403, 403, 403, 403, 401, 200])),
    row("GET /workspaces/{ws}/members",                     [200, 200, 200, 200, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
    row("POST /workspaces/{ws}/members",                    [200, 200, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("PATCH /workspaces/{ws}/members/{user}",            [200, 200, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("DELETE /workspaces/{ws}/members/{user}",           [204, 204, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("POST /workspaces/{ws}/leave",                      [409, 204, 204, 204, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 204, 404, 401, 404])),
    row("GET /workspaces/{ws}/join-requests",               [200, 200, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("POST /workspaces/{ws}/join-requests",              [409, 409, 409, 409, 201, 409, 401, 201],
                                                       Some([404, 404, 404, 404, 409, 404, 401, 404])),
    row("POST /workspaces/{ws}/join-requests/{id}/accept",  [200, 200, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("POST /workspaces/{ws}/join-requests/{id}/decline", [200, 200, 403, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 403, 404, 401, 404])),
    row("POST /workspaces/{ws}/join-requests/{id}/withdraw",[404, 404, 404, 404, 404, 200, 401, 404],
                                                       Some([404, 404, 404, 404, 404, 404, 401, 404])),
    row("GET /workspaces/{ws}/usage",                       [200, 200, 200, 200, 404, 404, 401, 200],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 200])),
    row("POST /workspaces/{ws}/reservations",               [201, 201, 201, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 201, 404, 401, 404])),
    row("POST /workspaces/{ws}/reservations/{id}/commit",   [403, 403, 200, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
    row("DELETE /workspaces/{ws}/reservations/{id}",        [403, 403, 200, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
    row("POST /workspaces/{ws}/uploads",                    [201, 201, 201, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 201, 404, 401, 404])),
    row("GET /workspaces/{ws}/uploads/{id}",                [200, 200, 200, 200, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
    row("DELETE /workspaces/{ws}/uploads/{id}",             [204, 204, 204, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 204, 404, 401, 404])),
    row("POST /workspaces/{ws}/uploads/{id}/retry",         [409, 409, 409, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 409, 404, 401, 404])),
    row("GET /workspaces/{ws}/databases/{id}",              [200, 200, 200, 200, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
    row("POST /workspaces/{ws}/databases/{id}/pyramids",    [202, 202, 202, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 202, 404, 401, 404])),
    row("GET /workspaces/{ws}/pyramids/{id}",               [200, 200, 200, 200, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
    row("POST /workspaces/{ws}/pyramids/{id}/cancel",       [409, 409, 409, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 409, 404, 401, 404])),
    row("POST /workspaces/{ws}/pyramids/{id}/validate",     [202, 202, 202, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 202, 404, 401, 404])),
    row("POST /workspaces/{ws}/pyramids/{id}/retry",        [409, 409, 409, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 409, 404, 401, 404])),
    row("DELETE /workspaces/{ws}/pyramids/{id}",            [204, 204, 204, 403, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 204, 404, 401, 404])),
    row("GET /workspaces/{ws}/pyramids/{id}/tiles/{z}/{x}/{y}", [200, 200, 200, 200, 404, 404, 401, 404],
                                                       Some([404, 404, 404, 404, 200, 404, 401, 404])),
];

/// One cell: an endpoint, a column, a caller and the expected status.
pub struct Cell {
    pub endpoint: &'static str,
    pub other: bool,
    pub caller: usize,
    pub expected: u16,
}

/// Every cell of the matrix.
pub fn cells() -> Vec<Cell> {
    let mut cells = Vec::new();
    for row in MATRIX {
        for (other, expected) in [(false, Some(row.a)), (true, row.b)] {
            let Some(expected) = expected else { continue };
            for (caller, expected) in expected.into_iter().enumerate() {
                cells.push(Cell {
                    endpoint: row.endpoint,
                    other,
                    caller,
                    expected,
                });
            }
        }
    }
    cells
}

#[test]
fn every_endpoint_has_a_row_in_the_roles_matrix() {
    let rows: Vec<&str> = MATRIX.iter().map(|row| row.endpoint).collect();
    let mut missing = Vec::new();
    for endpoint in endpoints() {
        let key = format!("{} {}", endpoint.method.as_str(), endpoint.path);
        if !rows.contains(&key.as_str()) {
            missing.push(key);
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without a row in the roles matrix: {missing:?}"
    );
    let keys: Vec<String> = endpoints()
        .iter()
        .map(|endpoint| format!("{} {}", endpoint.method.as_str(), endpoint.path))
        .collect();
    for row in MATRIX {
        let endpoint = row.endpoint.split('?').next().unwrap();
        assert!(
            keys.iter().any(|key| key == endpoint),
            "row for an unknown endpoint: {}",
            row.endpoint
        );
        assert_eq!(
            row.b.is_some(),
            endpoint.contains('{'),
            "{}: column B exactly when the path has parameters",
            row.endpoint
        );
    }
}

/// Who the endpoint table says may call an endpoint, in the order of [`CALLERS`], for column A.
fn documented_callers(access: &str) -> [bool; 8] {
    let registered = [true, true, true, true, true, true, false, true];
    match access.split(" (").next().unwrap() {
        "anyone" => [true; 8],
        "registered users" => registered,
        "registered users who are not members of this public workspace" => registered,
        "the requester and platform administrators" => {
            [true, false, false, false, false, false, false, true]
        }
        "the requester" => [false, false, false, false, false, true, false, false],
        "platform administrators" => [false, false, false, false, false, false, false, true],
        "members of the workspace" => [true, true, true, true, false, false, false, false],
        "members of the workspace and platform administrators" => {
            [true, true, true, true, false, false, false, true]
        }
        "owners, admins and editors of the workspace" => {
            [true, true, true, false, false, false, false, false]
        }
        "owners and admins of the workspace" => {
            [true, true, false, false, false, false, false, false]
        }
        "owners of the workspace" => [true, false, false, false, false, false, false, false],
        // In the matrix's fixture, the editor made the reservation.
        "the member of the workspace who made the reservation" => {
            [false, false, true, false, false, false, false, false]
        }
        other => panic!("unknown access description `{other}`"),
    }
}

#[test]
fn the_documented_access_of_each_endpoint_matches_its_row() {
    // Allowed: a success, or a conflict with the current state (an invariant, not a permission).
    for endpoint in endpoints() {
        let key = format!("{} {}", endpoint.method.as_str(), endpoint.path);
        let row = MATRIX.iter().find(|row| row.endpoint == key).unwrap();
        let allowed = row
            .a
            .map(|status| (200..300).contains(&status) || status == 409);
        assert_eq!(
            allowed,
            documented_callers(endpoint.access),
            "{key}: access says `{}`",
            endpoint.access
        );
    }
}

#[test]
fn members_of_one_workspace_never_read_another() {
    for row in MATRIX {
        if row.endpoint.starts_with("GET /workspaces/{ws}") {
            let b = row.b.unwrap();
            assert!(
                b[..4].iter().all(|status| *status == 404),
                "{}",
                row.endpoint
            );
        }
    }
}
