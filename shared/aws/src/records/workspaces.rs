//! Workspaces: the `META` item of partition `WS#<id>` holds the workspace as JSON and the
//! `owners` counter that keeps at least one owner; public workspaces are listed on GSI2 under
//! `PUBLIC`, sorted by name.

use async_trait::async_trait;
use tuilerie_core::ids::{UserId, WorkspaceId};
use tuilerie_core::ports::{RecordsError, RecordsResult, WorkspaceRecords};
use tuilerie_core::role::Role;
use tuilerie_core::workspace::{Member, Status, Visibility, Workspace, WorkspaceChange};

use super::action::{key, Action};
use super::codec::{from_json, json, n, s, Item, DATA};
use super::keys::{self, GSI2_PK, GSI2_SK, META, PK, PUBLIC, SK};
use super::store::Target;
use super::DynamoRecords;

/// Attribute counting a workspace's owners.
pub const OWNERS: &str = "owners";

/// Attempts before giving up on a workspace changed concurrently at every try.
const ATTEMPTS: usize = 12;

/// Most actions DynamoDB accepts in one transaction.
const TRANSACTION_MAX: usize = 100;

fn directory_key(workspace: &Workspace) -> String {
    format!("{}#{}", workspace.name, workspace.id)
}

/// The `META` item of a new workspace with `owners` owners.
pub fn item(workspace: &Workspace, owners: u64) -> RecordsResult<Item> {
    let mut item = Item::from([
        (PK.to_owned(), s(keys::workspace(&workspace.id))),
        (SK.to_owned(), s(META)),
        (DATA.to_owned(), json(workspace)?),
        (OWNERS.to_owned(), n(owners)),
    ]);
    if workspace.visibility == Visibility::Public {
        item.insert(GSI2_PK.to_owned(), s(PUBLIC));
        item.insert(GSI2_SK.to_owned(), s(directory_key(workspace)));
    }
    Ok(item)
}

/// The key of a workspace's `META` item.
pub fn meta_key(id: &WorkspaceId) -> Item {
    key(keys::workspace(id), META)
}

/// A workspace by identifier.
pub async fn get(records: &DynamoRecords, id: &WorkspaceId) -> RecordsResult<Option<Workspace>> {
    match records.get(&keys::workspace(id), META).await? {
        Some(item) => Ok(Some(from_json(&item)?)),
        None => Ok(None),
    }
}

/// Applies one change to the workspace as stored: the write is guarded by the content it
/// replaces (retried if that changed meanwhile), and an owner's edit by a condition, in the
/// same transaction, that its author is still an owner.
pub async fn update(
    records: &DynamoRecords,
    id: &WorkspaceId,
    change: &WorkspaceChange,
) -> RecordsResult<Workspace> {
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            // Writers racing on one workspace: wait a little, each a different time.
            let jitter = u64::from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |t| t.subsec_nanos())
                    % 7,
            );
            tokio::time::sleep(std::time::Duration::from_millis(
                attempt as u64 * 5 + jitter,
            ))
            .await;
        }
        let Some(item) = records.get(&keys::workspace(id), META).await? else {
            return Err(RecordsError::NotFound);
        };
        let mut updated: Workspace = from_json(&item)?;
        if change.owner().is_some() && updated.status != Status::Active {
            return Err(RecordsError::ConditionFailed);
        }
        let previous = item.get(DATA).cloned().unwrap_or_else(|| s(""));
        change.apply(&mut updated);
        let base = "SET #data = :data";
        let action = match updated.visibility {
            Visibility::Public => Action::update(
                meta_key(&updated.id),
                format!("{base}, #gsi2pk = :public, #gsi2sk = :name"),
            )
            .value(":public", s(PUBLIC))
            .value(":name", s(directory_key(&updated))),
            Visibility::Private => Action::update(
                meta_key(&updated.id),
                format!("{base} REMOVE #gsi2pk, #gsi2sk"),
            ),
        };
        let action = action
            .when("#data = :previous")
            .name("#data", DATA)
            .name("#gsi2pk", GSI2_PK)
            .name("#gsi2sk", GSI2_SK)
            .value(":data", json(&updated)?)
            .value(":previous", previous);
        let written = match change.owner() {
            None => records.write(action).await?,
            Some(owner) => {
                let still_owner = Action::check(
                    key(keys::workspace(id), keys::member(owner)),
                    "#role = :owner",
                )
                .name("#role", "role")
                .value(":owner", s(Role::Owner.as_str()));
                match records.run(&[action, still_owner]).await? {
                    Ok(()) => true,
                    Err(cancelled) if cancelled.failed(1) => {
                        return Err(RecordsError::ConditionFailed)
                    }
                    Err(_) => false,
                }
            }
        };
        if written {
            return Ok(updated);
        }
    }
    Err(RecordsError::ConditionFailed)
}

/// Deletes every item of the workspace's partition, `META` first so the workspace disappears
/// at once; transactions of at most 100 items. Deleting an unknown workspace does nothing.
pub async fn delete(records: &DynamoRecords, id: &WorkspaceId) -> RecordsResult<()> {
    let pk = keys::workspace(id);
    let mut sort_keys = Vec::new();
    for item in records.query(Target::Table, &pk, None).await? {
        let sk = super::codec::get_s(&item, SK)?.to_owned();
        if sk == META {
            sort_keys.insert(0, sk);
        } else {
            sort_keys.push(sk);
        }
    }
    for chunk in sort_keys.chunks(TRANSACTION_MAX) {
        let actions: Vec<Action> = chunk
            .iter()
            .map(|sk| Action::delete(key(pk.clone(), sk.clone())))
            .collect();
        if let Err(cancelled) = records.transact(&actions).await? {
            return Err(RecordsError::Backend(
                format!("deleting workspace {id} was cancelled: {cancelled:?}").into(),
            ));
        }
    }
    Ok(())
}

/// Every public workspace, by name.
pub async fn public(records: &DynamoRecords) -> RecordsResult<Vec<Workspace>> {
    let items = records.query(Target::Gsi2, PUBLIC, None).await?;
    let mut workspaces = items
        .iter()
        .map(from_json)
        .collect::<Result<Vec<Workspace>, _>>()?;
    workspaces.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Ok(workspaces)
}

#[async_trait]
impl WorkspaceRecords for DynamoRecords {
    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>> {
        get(self, id).await
    }

    async fn update_workspace(
        &self,
        id: &WorkspaceId,
        change: &WorkspaceChange,
    ) -> RecordsResult<Workspace> {
        update(self, id, change).await
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()> {
        delete(self, id).await
    }

    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>> {
        public(self).await
    }

    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>> {
        super::members::of_user(self, user).await
    }
}
