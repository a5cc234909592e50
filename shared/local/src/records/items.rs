//! Data items: one row per upload, database or pyramid, the record as a JSON document with a
//! version column that every write compares and bumps.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tuilerie_core::ids::WorkspaceId;
use tuilerie_core::item::{Item, Versioned};
use tuilerie_core::ports::{ItemRecords, RecordsError, RecordsResult};

use super::codec::{document, document_at};
use super::error::{insert_new, Outcome};
use super::SqliteRecords;

fn versioned_at(row: &Row<'_>) -> rusqlite::Result<Versioned<Item>> {
    let version: i64 = row.get(1)?;
    Ok(Versioned {
        item: document_at(row, 0, "items.body")?,
        version: u64::try_from(version).unwrap_or(0),
    })
}

fn version(value: u64) -> Outcome<i64> {
    i64::try_from(value).map_err(|_| RecordsError::ConditionFailed.into())
}

fn create(connection: &Connection, item: &Item) -> Outcome<()> {
    insert_new(connection.execute(
        "INSERT INTO items (workspace, id, kind, unfinished, version, body) \
         VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![
            item.workspace().as_str(),
            item.id(),
            item.kind(),
            item.is_unfinished(),
            document(item)?
        ],
    ))
}

fn get(connection: &Connection, workspace: &str, id: &str) -> Outcome<Option<Versioned<Item>>> {
    Ok(connection
        .query_row(
            "SELECT body, version FROM items WHERE workspace = ?1 AND id = ?2",
            [workspace, id],
            versioned_at,
        )
        .optional()?)
}

fn update(connection: &mut Connection, item: &Item, expected: u64) -> Outcome<u64> {
    let transaction = super::immediate(connection)?;
    let changed = transaction.execute(
        "UPDATE items SET body = ?3, unfinished = ?4, version = version + 1 \
         WHERE workspace = ?1 AND id = ?2 AND version = ?5",
        params![
            item.workspace().as_str(),
            item.id(),
            document(item)?,
            item.is_unfinished(),
            version(expected)?
        ],
    )?;
    if changed == 0 {
        let exists = get(&transaction, item.workspace().as_str(), item.id())?.is_some();
        return Err(if exists {
            RecordsError::ConditionFailed
        } else {
            RecordsError::NotFound
        }
        .into());
    }
    transaction.commit()?;
    Ok(expected + 1)
}

fn delete(connection: &mut Connection, workspace: &str, id: &str, expected: u64) -> Outcome<()> {
    let transaction = super::immediate(connection)?;
    let changed = transaction.execute(
        "DELETE FROM items WHERE workspace = ?1 AND id = ?2 AND version = ?3",
        params![workspace, id, version(expected)?],
    )?;
    if changed == 0 {
        let exists = get(&transaction, workspace, id)?.is_some();
        return Err(if exists {
            RecordsError::ConditionFailed
        } else {
            RecordsError::NotFound
        }
        .into());
    }
    transaction.commit()?;
    Ok(())
}

fn select(connection: &Connection, sql: &str, args: &[&str]) -> Outcome<Vec<Versioned<Item>>> {
    let mut statement = connection.prepare_cached(sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(args), versioned_at)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[async_trait]
impl ItemRecords for SqliteRecords {
    async fn create_item(&self, item: &Item) -> RecordsResult<()> {
        let item = item.clone();
        self.write(move |c| create(c, &item)).await
    }

    async fn item(
        &self,
        workspace: &WorkspaceId,
        id: &str,
    ) -> RecordsResult<Option<Versioned<Item>>> {
        let (workspace, id) = (workspace.clone(), id.to_owned());
        self.read(move |c| get(c, workspace.as_str(), &id)).await
    }

    async fn update_item(&self, item: &Item, version: u64) -> RecordsResult<u64> {
        let item = item.clone();
        self.write(move |c| update(c, &item, version)).await
    }

    async fn delete_item(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        version: u64,
    ) -> RecordsResult<()> {
        let (workspace, id) = (workspace.clone(), id.to_owned());
        self.write(move |c| delete(c, workspace.as_str(), &id, version))
            .await
    }

    async fn items(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Versioned<Item>>> {
        let workspace = workspace.clone();
        self.read(move |c| {
            select(
                c,
                "SELECT body, version FROM items WHERE workspace = ?1 ORDER BY id",
                &[workspace.as_str()],
            )
        })
        .await
    }

    async fn unfinished_items(&self) -> RecordsResult<Vec<Versioned<Item>>> {
        self.read(move |c| {
            select(
                c,
                "SELECT body, version FROM items WHERE unfinished = 1 ORDER BY workspace, id",
                &[],
            )
        })
        .await
    }
}
