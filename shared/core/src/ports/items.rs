//! Data items (uploads, databases, pyramids) with compare-and-set state moves.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::WorkspaceId;
use crate::item::{Item, Versioned};

/// The records of a workspace's data items.
#[async_trait]
pub trait ItemRecords: Send + Sync {
    /// Stores a new item at version 1. [`super::RecordsError::AlreadyExists`] if its id is
    /// taken.
    async fn create_item(&self, item: &Item) -> RecordsResult<()>;
    /// An item by workspace and id, with its version.
    async fn item(
        &self,
        workspace: &WorkspaceId,
        id: &str,
    ) -> RecordsResult<Option<Versioned<Item>>>;
    /// Replaces an item if it is still at `version`; the new version.
    /// [`super::RecordsError::ConditionFailed`] if it changed meanwhile,
    /// [`super::RecordsError::NotFound`] if it is gone.
    async fn update_item(&self, item: &Item, version: u64) -> RecordsResult<u64>;
    /// Deletes an item if it is still at `version`.
    async fn delete_item(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        version: u64,
    ) -> RecordsResult<()>;
    /// Every item of a workspace, by id.
    async fn items(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Versioned<Item>>>;
    /// Every item of every workspace whose state is not final (for resuming after a restart
    /// and for cleanup).
    async fn unfinished_items(&self) -> RecordsResult<Vec<Versioned<Item>>>;
}
