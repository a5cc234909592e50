//! Data items: `pk = WS#<workspace>`, `sk = ITEM#<id>`, the record as JSON in `data` and a
//! `version` number every write conditions on and bumps. Unfinished items are also listed on
//! GSI2 under `UNFINISHED`, so resuming and cleanup find them without a scan.

use async_trait::async_trait;
use tuilerie_core::ids::WorkspaceId;
use tuilerie_core::item::{Item as DataItem, Versioned};
use tuilerie_core::ports::{ItemRecords, RecordsError, RecordsResult};

use super::action::{key, Action};
use super::codec::{from_json, get_n_or_zero, json, n, s, Item, DATA};
use super::keys::{self, GSI2_PK, GSI2_SK, PK, SK};
use super::store::Target;
use super::DynamoRecords;

/// Sort key prefix of data items.
const ITEM_PREFIX: &str = "ITEM#";
/// GSI2 partition of unfinished items.
const UNFINISHED: &str = "UNFINISHED";
/// The version attribute.
const VERSION: &str = "version";

fn sort_key(id: &str) -> String {
    format!("{ITEM_PREFIX}{id}")
}

fn record(item: &DataItem, version: u64) -> RecordsResult<Item> {
    let pk = keys::workspace(item.workspace());
    let sk = sort_key(item.id());
    let mut record = Item::from([
        (PK.to_owned(), s(pk.clone())),
        (SK.to_owned(), s(sk.clone())),
        (DATA.to_owned(), json(item)?),
        (VERSION.to_owned(), n(version)),
    ]);
    if item.is_unfinished() {
        record.insert(GSI2_PK.to_owned(), s(UNFINISHED));
        record.insert(GSI2_SK.to_owned(), s(format!("{pk}|{sk}")));
    }
    Ok(record)
}

fn versioned(record: &Item) -> RecordsResult<Versioned<DataItem>> {
    Ok(Versioned {
        item: from_json(record)?,
        version: get_n_or_zero(record, VERSION)?,
    })
}

#[async_trait]
impl ItemRecords for DynamoRecords {
    async fn create_item(&self, item: &DataItem) -> RecordsResult<()> {
        let action = Action::put(record(item, 1)?).when("attribute_not_exists(pk)");
        if self.write(action).await? {
            Ok(())
        } else {
            Err(RecordsError::AlreadyExists)
        }
    }

    async fn item(
        &self,
        workspace: &WorkspaceId,
        id: &str,
    ) -> RecordsResult<Option<Versioned<DataItem>>> {
        match self.get(&keys::workspace(workspace), &sort_key(id)).await? {
            Some(record) => Ok(Some(versioned(&record)?)),
            None => Ok(None),
        }
    }

    async fn update_item(&self, item: &DataItem, version: u64) -> RecordsResult<u64> {
        let next = version + 1;
        let action = Action::put(record(item, next)?)
            .when("#version = :expected")
            .name("#version", VERSION)
            .value(":expected", n(version));
        if self.write(action).await? {
            return Ok(next);
        }
        match self.item(item.workspace(), item.id()).await? {
            Some(_) => Err(RecordsError::ConditionFailed),
            None => Err(RecordsError::NotFound),
        }
    }

    async fn delete_item(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        version: u64,
    ) -> RecordsResult<()> {
        let action = Action::delete(key(keys::workspace(workspace), sort_key(id)))
            .when("#version = :expected")
            .name("#version", VERSION)
            .value(":expected", n(version));
        if self.write(action).await? {
            return Ok(());
        }
        match self.item(workspace, id).await? {
            Some(_) => Err(RecordsError::ConditionFailed),
            None => Err(RecordsError::NotFound),
        }
    }

    async fn items(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Versioned<DataItem>>> {
        let records = self
            .query(
                Target::Table,
                &keys::workspace(workspace),
                Some(ITEM_PREFIX),
            )
            .await?;
        records.iter().map(versioned).collect()
    }

    async fn unfinished_items(&self) -> RecordsResult<Vec<Versioned<DataItem>>> {
        let listed = self.query(Target::Gsi2, UNFINISHED, None).await?;
        let mut found = Vec::with_capacity(listed.len());
        // The index is eventually consistent: read each item again from the table.
        for entry in listed {
            let item: DataItem = from_json(&entry)?;
            if let Some(current) = self.item(item.workspace(), item.id()).await? {
                if current.item.is_unfinished() {
                    found.push(current);
                }
            }
        }
        Ok(found)
    }
}
