//! The records port on one DynamoDB table.
//!
//! Layout (see [`keys`]): a workspace's items share the partition `WS#<id>` (`META`,
//! `MEMBER#<user>`, `JOIN#<id>`, `JOINPENDING#<user>`, `USAGE`, `RES#<id>`); users live under
//! `USER#<id>` with an `EMAIL#<address>` item to find them; creation requests under `CREQ#<id>`.
//! GSI1 lists what belongs to a user, GSI2 the pending creation requests and public
//! workspaces. Each operation is one conditional write or one transaction.

mod action;
mod codec;
mod creation;
mod errors;
mod items;
mod joins;
pub mod keys;
mod members;
mod quotas;
mod store;
mod table;
mod users;
mod workspaces;

use aws_sdk_dynamodb::Client;

pub use table::create_table;

/// The records port on a DynamoDB table created by [`create_table`].
#[derive(Debug, Clone)]
pub struct DynamoRecords {
    client: Client,
    table: String,
}

impl DynamoRecords {
    /// Records kept in `table`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }
}
